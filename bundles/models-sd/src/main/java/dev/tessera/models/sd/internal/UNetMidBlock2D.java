package dev.tessera.models.sd.internal;

import ai.djl.ndarray.NDArray;
import dev.tessera.models.core.Weights;

/** diffusers' UNetMidBlock2D as in the VAE: resnet, (attention), resnet, without time embedding. */
public final class UNetMidBlock2D {

    private final ResnetBlock2D first;
    private final SpatialAttention attention;
    private final ResnetBlock2D second;

    public UNetMidBlock2D(Weights weights, String prefix, long channels, int groups, float eps, boolean addAttention) {
        this.first = new ResnetBlock2D(weights, prefix + ".resnets.0", channels, channels, 0, groups, eps, 1f);
        this.attention = addAttention
                ? new SpatialAttention(weights, prefix + ".attentions.0", channels, groups, eps) : null;
        this.second = new ResnetBlock2D(weights, prefix + ".resnets.1", channels, channels, 0, groups, eps, 1f);
    }

    public NDArray forward(NDArray x) {
        NDArray h = first.forward(x, null);
        if (attention != null) {
            h = attention.forward(h);
        }
        return second.forward(h, null);
    }
}
