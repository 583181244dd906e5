package dev.tessera.model.api;

/**
 * The named stages of a forward pass that a {@link ForwardHook} can wrap. Each point says what flows in and out as
 * an {@link ai.djl.ndarray.NDList}; a hook receives the inputs and a continuation computing the default outputs.
 */
public final class HookPoints {

    /**
     * The UNet's {@code conv_in}. In: {@code [sample]}, the latent {@code [B, C, h, w]} as the sampler scaled it.
     * Out: {@code [h]}, the first level's features (MIGLoRA adds its mask embedding here).
     */
    public static final String UNET_CONV_IN = "unet.conv_in";

    /**
     * The UNet's down blocks and middle block. In: {@code [h, temb, context]} (conv_in's output, the time embedding
     * {@code [B, temb_dim]}, the text conditioning {@code [B, tokens, dim]}). Out: {@code [skip_0, ..., skip_n,
     * middle]}, the skip connections in diffusers' order (conv_in's output first) and the middle block's output; the
     * decoder consumes them. A hook may run the continuation on another batch (e.g. once per instance with each
     * instance's conditioning) and combine the results, as long as it returns the original batch size.
     */
    public static final String UNET_ENCODE = "unet.encode";

    /**
     * The whole network call. In: {@code [sample, timesteps, context]} ({@code timesteps} {@code [B]}). Out:
     * {@code [prediction]}, the noise (or v) prediction of the latent's shape.
     */
    public static final String UNET_PREDICTION = "unet.prediction";

    private HookPoints() {}
}
