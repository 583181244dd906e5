package dev.tessera.models.sd.internal;

import ai.djl.ndarray.NDArray;
import dev.tessera.models.core.Weights;
import java.util.ArrayList;
import java.util.List;

/** diffusers' UNetMidBlock2DCrossAttn: resnet, then (transformer, resnet) once per layer (one layer in SD). */
public final class UNetMidBlock2DCrossAttn {

    private final List<ResnetBlock2D> resnets = new ArrayList<>();
    private final List<Transformer2DModel> attentions = new ArrayList<>();

    public UNetMidBlock2DCrossAttn(Weights weights, String prefix, long channels, long tembChannels, int groups,
            float eps, float outputScale, CrossAttentionSpec attention, int layers) {
        resnets.add(new ResnetBlock2D(weights, prefix + ".resnets.0", channels, channels, tembChannels, groups, eps,
                outputScale));
        for (int i = 0; i < layers; i++) {
            attentions.add(new Transformer2DModel(weights, prefix + ".attentions." + i, channels,
                    attention.contextDim(), attention.heads(), attention.depth(), groups, attention.linearProjection()));
            resnets.add(new ResnetBlock2D(weights, prefix + ".resnets." + (i + 1), channels, channels, tembChannels,
                    groups, eps, outputScale));
        }
    }

    public NDArray forward(NDArray x, NDArray temb, NDArray context) {
        NDArray h = resnets.get(0).forward(x, temb);
        for (int i = 0; i < attentions.size(); i++) {
            h = attentions.get(i).forward(h, context);
            h = resnets.get(i + 1).forward(h, temb);
        }
        return h;
    }
}
