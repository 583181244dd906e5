package dev.tessera.models.sd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.ComputeTypes;
import dev.tessera.models.core.Weights;
import dev.tessera.models.sd.internal.Conv2d;
import dev.tessera.models.sd.internal.Decoder;
import dev.tessera.models.sd.internal.Encoder;
import dev.tessera.tensor.TensorScope;

/**
 * diffusers' AutoencoderKL: {@link #encode} an image in [-1, 1] to the posterior over latents, {@link #decode} a
 * latent (unscaled: {@link #fromDiffusion} first when it comes from the diffusion model) to an image. Parameter
 * names are diffusers'. Inputs must be on the weights' device; outputs are in the compute dtype.
 *
 * <p>The FLUX variant ({@link AutoencoderKLConfig#flux()}) is the same network with 16 latent channels, no
 * {@code quant_conv}/{@code post_quant_conv}, and a shift besides the scale: FLUX's pipeline feeds the DiT
 * {@code (mean - 0.1159) * 0.3611} and decodes {@code latent / 0.3611 + 0.1159}.
 */
public final class AutoencoderKL {

    private static final float LOGVAR_MIN = -30f;
    private static final float LOGVAR_MAX = 20f;

    private final AutoencoderKLConfig config;
    private final DataType dtype;
    private final Encoder encoder;
    private final Conv2d quantConv;
    private final Conv2d postQuantConv;
    private final Decoder decoder;

    public AutoencoderKL(AutoencoderKLConfig config, Weights weights, DataType dtype) {
        this.config = config;
        this.dtype = ComputeTypes.require(dtype, "VAE");
        long latent = config.latentChannels();
        this.encoder = new Encoder(weights, "encoder", config);
        this.quantConv = config.useQuantConv()
                ? new Conv2d(weights, "quant_conv", 2 * latent, 2 * latent, 1, 1, 0) : null;
        this.postQuantConv = config.usePostQuantConv()
                ? new Conv2d(weights, "post_quant_conv", latent, latent, 1, 1, 0) : null;
        this.decoder = new Decoder(weights, "decoder", config);
    }

    public AutoencoderKLConfig config() {
        return config;
    }

    /** The factor diffusion latents are multiplied by (0.18215 for SD1.x). */
    public float scalingFactor() {
        return config.scalingFactor();
    }

    /** diffusers' {@code shift_factor} (0 for SD1.x, 0.1159 for FLUX). */
    public float shiftFactor() {
        return config.shiftFactor();
    }

    /**
     * VAE latents (e.g. the posterior mean) to the diffusion model's space: {@code (z - shift) * scale}, as diffusers'
     * FLUX and SD3 pipelines do after encoding (SD1.x: shift 0). A new array in {@code z}'s dtype.
     */
    public NDArray toDiffusion(NDArray z) {
        NDArray shifted = config.shiftFactor() == 0f ? z : z.sub(config.shiftFactor());
        return shifted.mul(config.scalingFactor());
    }

    /** The diffusion model's latents back to the VAE's: {@code latent / scale + shift}, before {@link #decode}. */
    public NDArray fromDiffusion(NDArray latent) {
        NDArray scaled = latent.div(config.scalingFactor());
        return config.shiftFactor() == 0f ? scaled : scaled.add(config.shiftFactor());
    }

    /** {@code image} [B, in, H, W] (H, W multiples of {@link AutoencoderKLConfig#downscale()}) to the posterior. */
    public DiagonalGaussian encode(NDArray image) {
        check(image, config.inChannels(), config.downscale(), "image");
        NDList moments = TensorScope.keepAll(() -> {
            NDArray h = encoder.forward(image.toType(dtype, false));
            if (quantConv != null) {
                h = quantConv.forward(h);
            }
            NDList halves = h.split(2, 1);
            return new NDList(halves.get(0), halves.get(1).clip(LOGVAR_MIN, LOGVAR_MAX));
        });
        return new DiagonalGaussian(moments.get(0), moments.get(1));
    }

    /** {@code latent} [B, latent_channels, h, w] to the decoded image [B, out, h x downscale, w x downscale]. */
    public NDArray decode(NDArray latent) {
        check(latent, config.latentChannels(), 1, "latent");
        return TensorScope.keep(() -> {
            NDArray z = latent.toType(dtype, false);
            if (postQuantConv != null) {
                z = postQuantConv.forward(z);
            }
            return decoder.forward(z);
        });
    }

    private static void check(NDArray x, int channels, int multiple, String what) {
        Shape shape = x.getShape();
        if (shape.dimension() != 4 || shape.get(1) != channels || shape.get(2) % multiple != 0
                || shape.get(3) % multiple != 0) {
            throw new IllegalArgumentException("VAE " + what + ": shape " + shape + ", expected [batch, " + channels
                    + ", height, width]" + (multiple > 1 ? " with height and width multiples of " + multiple : ""));
        }
    }
}
