package dev.tessera.models.dit;

import dev.tessera.models.core.ModelLoadException;
import java.util.List;

/**
 * diffusers' FluxTransformer2DModel configuration (FLUX.1-dev/schnell/Kontext and smaller ones of the same
 * topology).
 *
 * @param inChannels        channels of a packed image token (16 latent channels x 2 x 2 = 64 for FLUX.1)
 * @param outChannels       channels of an output token (diffusers' {@code out_channels}, null meaning in_channels)
 * @param numLayers         double-stream blocks (19 for FLUX.1)
 * @param numSingleLayers   single-stream blocks (38 for FLUX.1)
 * @param attentionHeadDim  channels per head (128)
 * @param numAttentionHeads heads (24); the hidden width is heads x head dim
 * @param jointAttentionDim width of the text tokens (T5: 4096)
 * @param pooledProjectionDim width of the pooled text vector (CLIP-L: 768)
 * @param guidanceEmbeds    whether the model embeds a guidance scale (dev, Kontext: yes; schnell: no)
 * @param axesDimsRope      rotary channels per position axis (index, row, col); they sum to the head dim
 * @param ropeTheta         rotary base (10000)
 * @param mlpRatio          feed-forward width over hidden width (4)
 */
public record FluxTransformerConfig(
        int inChannels,
        int outChannels,
        int numLayers,
        int numSingleLayers,
        int attentionHeadDim,
        int numAttentionHeads,
        int jointAttentionDim,
        int pooledProjectionDim,
        boolean guidanceEmbeds,
        List<Integer> axesDimsRope,
        double ropeTheta,
        double mlpRatio) {

    public FluxTransformerConfig {
        axesDimsRope = List.copyOf(axesDimsRope);
        require(inChannels > 0 && outChannels > 0, "in_channels and out_channels must be positive, got "
                + inChannels + " and " + outChannels);
        require(numLayers >= 0 && numSingleLayers >= 0, "num_layers and num_single_layers must not be negative");
        require(attentionHeadDim > 0 && numAttentionHeads > 0, "attention_head_dim and num_attention_heads must be"
                + " positive");
        require(attentionHeadDim % 2 == 0, "attention_head_dim must be even for rotary embeddings, got "
                + attentionHeadDim);
        int sum = 0;
        for (int axis : axesDimsRope) {
            require(axis > 0 && axis % 2 == 0, "axes_dims_rope entries must be positive and even, got "
                    + axesDimsRope);
            sum += axis;
        }
        require(sum == attentionHeadDim, "axes_dims_rope " + axesDimsRope + " sums to " + sum
                + ", expected attention_head_dim " + attentionHeadDim);
        require(mlpRatio > 0 && Math.rint(mlpRatio * numAttentionHeads * attentionHeadDim)
                == mlpRatio * numAttentionHeads * attentionHeadDim, "mlp_ratio " + mlpRatio
                + " does not give a whole feed-forward width");
        require(ropeTheta > 0, "rope theta must be positive, got " + ropeTheta);
    }

    /** Hidden width: heads x head dim. */
    public int hiddenSize() {
        return numAttentionHeads * attentionHeadDim;
    }

    /** Feed-forward (and single-block MLP) width. */
    public int mlpHiddenSize() {
        return (int) Math.rint(hiddenSize() * mlpRatio);
    }

    /** Number of position axes of the ids (3 for FLUX: index, row, col). */
    public int positionAxes() {
        return axesDimsRope.size();
    }

    /** FLUX.1-dev and FLUX.1-Kontext-dev. */
    public static FluxTransformerConfig flux1Dev() {
        return new FluxTransformerConfig(64, 64, 19, 38, 128, 24, 4096, 768, true, List.of(16, 56, 56), 10000,
                4.0);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new ModelLoadException("FLUX transformer configuration: " + message);
        }
    }
}
