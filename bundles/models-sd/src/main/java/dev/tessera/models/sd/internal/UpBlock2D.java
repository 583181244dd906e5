package dev.tessera.models.sd.internal;

import ai.djl.ndarray.NDArray;
import dev.tessera.models.core.Weights;
import java.util.ArrayList;
import java.util.List;

/**
 * One UNet decoder level, diffusers' CrossAttnUpBlock2D / UpBlock2D: each resnet takes the running features
 * concatenated (channel axis) with the latest unused skip connection; a Transformer2DModel follows each resnet on
 * cross-attention levels; an upsampler ends all but the last level.
 */
public final class UpBlock2D {

    private final List<ResnetBlock2D> resnets = new ArrayList<>();
    private final List<Transformer2DModel> attentions = new ArrayList<>();
    private final Upsample2D upsampler;

    /**
     * @param in             channels of the skip from the level below this one's resolution (diffusers'
     *                       in_channels), taken by the last resnet
     * @param previousOut    channels coming up from the previous level
     * @param out            this level's channels
     * @param layers         resnets (layers_per_block + 1)
     */
    public UpBlock2D(Weights weights, String prefix, long in, long previousOut, long out, int layers,
            long tembChannels, int groups, float eps, CrossAttentionSpec attention, boolean upsample) {
        for (int i = 0; i < layers; i++) {
            long skipChannels = i == layers - 1 ? in : out;
            long resnetIn = i == 0 ? previousOut : out;
            resnets.add(new ResnetBlock2D(weights, prefix + ".resnets." + i, resnetIn + skipChannels, out,
                    tembChannels, groups, eps, 1f));
            if (attention != null) {
                attentions.add(new Transformer2DModel(weights, prefix + ".attentions." + i, out,
                        attention.contextDim(), attention.heads(), attention.depth(), groups,
                        attention.linearProjection()));
            }
        }
        this.upsampler = upsample ? new Upsample2D(weights, prefix + ".upsamplers.0", out) : null;
    }

    /** Number of skip connections this level consumes. */
    public int skipCount() {
        return resnets.size();
    }

    /**
     * Runs the level on {@code x}, consuming its skips from the end of {@code skips} (last in, first used).
     * {@code upsampleHeight}/{@code upsampleWidth} give the size the upsampler produces (the next level's skip size).
     */
    public NDArray forward(NDArray x, List<NDArray> skips, NDArray temb, NDArray context, long upsampleHeight,
            long upsampleWidth) {
        NDArray h = x;
        for (int i = 0; i < resnets.size(); i++) {
            NDArray skip = skips.remove(skips.size() - 1);
            h = resnets.get(i).forward(h.concat(skip, 1), temb);
            if (!attentions.isEmpty()) {
                h = attentions.get(i).forward(h, context);
            }
        }
        return upsampler == null ? h : upsampler.forward(h, upsampleHeight, upsampleWidth);
    }

    public boolean upsamples() {
        return upsampler != null;
    }
}
