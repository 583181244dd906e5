package dev.tessera.models.sd.internal;

import ai.djl.ndarray.NDArray;
import dev.tessera.models.core.Weights;
import java.util.ArrayList;
import java.util.List;

/**
 * One encoder level: diffusers' CrossAttnDownBlock2D (a Transformer2DModel after each resnet), DownBlock2D (resnets
 * only) and the VAE's DownEncoderBlock2D (no time embedding) are this class with or without attention.
 */
public final class DownBlock2D {

    private final List<ResnetBlock2D> resnets = new ArrayList<>();
    private final List<Transformer2DModel> attentions = new ArrayList<>();
    private final Downsample2D downsampler;

    /**
     * @param attention        null for a level without cross-attention
     * @param downsamplePadding the downsampler's padding, or -1 for no downsampler (the last level)
     */
    public DownBlock2D(Weights weights, String prefix, long in, long out, int layers, long tembChannels, int groups,
            float eps, CrossAttentionSpec attention, int downsamplePadding) {
        for (int i = 0; i < layers; i++) {
            resnets.add(new ResnetBlock2D(weights, prefix + ".resnets." + i, i == 0 ? in : out, out, tembChannels,
                    groups, eps, 1f));
            if (attention != null) {
                attentions.add(new Transformer2DModel(weights, prefix + ".attentions." + i, out,
                        attention.contextDim(), attention.heads(), attention.depth(), groups,
                        attention.linearProjection()));
            }
        }
        this.downsampler = downsamplePadding < 0 ? null
                : new Downsample2D(weights, prefix + ".downsamplers.0", out, downsamplePadding);
    }

    /** Number of skip connections this level contributes: one per resnet, one more for the downsampler. */
    public int outputCount() {
        return resnets.size() + (downsampler == null ? 0 : 1);
    }

    /** Runs the level; appends each output that is a skip connection to {@code skips}; returns the last. */
    public NDArray forward(NDArray x, NDArray temb, NDArray context, List<NDArray> skips) {
        NDArray h = x;
        for (int i = 0; i < resnets.size(); i++) {
            h = resnets.get(i).forward(h, temb);
            if (!attentions.isEmpty()) {
                h = attentions.get(i).forward(h, context);
            }
            if (skips != null) {
                skips.add(h);
            }
        }
        if (downsampler != null) {
            h = downsampler.forward(h);
            if (skips != null) {
                skips.add(h);
            }
        }
        return h;
    }
}
