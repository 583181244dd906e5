package dev.tessera.models.dit;

import dev.tessera.models.core.ModelLoadException;
import java.util.List;

/**
 * diffusers' SD3Transformer2DModel configuration (the MMDiT of Stable Diffusion 3 / 3.5, and smaller ones of the
 * same topology).
 *
 * @param patchSize             latent pixels per token side (2)
 * @param inChannels            latent channels (16)
 * @param outChannels           predicted channels (16)
 * @param numLayers             joint blocks (24 for SD3-medium, 38 for SD3.5-large); the last one's context
 *                              stream is pre-only (it only feeds the attention)
 * @param attentionHeadDim      channels per head (64)
 * @param numAttentionHeads     heads (24 for SD3-medium); the hidden width is heads x head dim
 * @param jointAttentionDim     width of the text tokens (4096: CLIP-L + CLIP-G padded, and T5-XXL)
 * @param captionProjectionDim  width the text tokens are projected to (the hidden width)
 * @param pooledProjectionDim   width of the pooled text vector (2048: CLIP-L 768 + CLIP-G 1280)
 * @param posEmbedMaxSize       side of the stored positional table in tokens (192)
 * @param qkNorm                RMS q/k norms in every attention (SD3.5: diffusers' {@code qk_norm: "rms_norm"})
 * @param dualAttentionLayers   blocks with a second, image-only attention (SD3.5-medium's MMDiT-X: 0..12)
 */
public record Sd3TransformerConfig(
        int patchSize,
        int inChannels,
        int outChannels,
        int numLayers,
        int attentionHeadDim,
        int numAttentionHeads,
        int jointAttentionDim,
        int captionProjectionDim,
        int pooledProjectionDim,
        int posEmbedMaxSize,
        boolean qkNorm,
        List<Integer> dualAttentionLayers) {

    public Sd3TransformerConfig {
        dualAttentionLayers = List.copyOf(dualAttentionLayers);
        require(patchSize > 0 && inChannels > 0 && outChannels > 0, "patch_size, in_channels and out_channels"
                + " must be positive");
        require(numLayers > 0, "num_layers must be positive, got " + numLayers);
        require(attentionHeadDim > 0 && numAttentionHeads > 0, "attention_head_dim and num_attention_heads must be"
                + " positive");
        require(captionProjectionDim == numAttentionHeads * attentionHeadDim, "caption_projection_dim "
                + captionProjectionDim + " must equal the hidden width " + numAttentionHeads * attentionHeadDim);
        require(posEmbedMaxSize > 0, "pos_embed_max_size must be set (every SD3 checkpoint stores its table)");
        for (int layer : dualAttentionLayers) {
            require(layer >= 0 && layer < numLayers, "dual_attention_layers entry " + layer + " is not a block of "
                    + numLayers);
        }
    }

    /** Hidden width: heads x head dim. */
    public int hiddenSize() {
        return numAttentionHeads * attentionHeadDim;
    }

    /** Feed-forward width (4 x hidden). */
    public int mlpHiddenSize() {
        return 4 * hiddenSize();
    }

    /** SD3-medium (stabilityai/stable-diffusion-3-medium-diffusers). */
    public static Sd3TransformerConfig sd3Medium() {
        return new Sd3TransformerConfig(2, 16, 16, 24, 64, 24, 4096, 1536, 2048, 192, false, List.of());
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new ModelLoadException("SD3 transformer configuration: " + message);
        }
    }
}
