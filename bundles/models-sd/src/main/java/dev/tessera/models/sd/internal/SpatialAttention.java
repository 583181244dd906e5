package dev.tessera.models.sd.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.Weights;
import dev.tessera.models.core.layers.AttentionProjections;
import dev.tessera.models.core.layers.Linear;
import dev.tessera.tensor.TensorScope;

/**
 * diffusers' Attention as the VAE middle block uses it: group norm, single-head self-attention over the H*W
 * positions with biased q/k/v projections, to_out.0, residual.
 */
public final class SpatialAttention {

    private final GroupNorm groupNorm;
    private final AttentionProjections qkv;
    private final Linear toOut;

    public SpatialAttention(Weights weights, String prefix, long channels, int groups, float eps) {
        this.groupNorm = new GroupNorm(weights, prefix + ".group_norm", groups, channels, eps);
        this.qkv = new AttentionProjections(weights, prefix + ".to_q", prefix + ".to_k", prefix + ".to_v", channels,
                channels, channels, 1, true, true);
        this.toOut = new Linear(weights, prefix + ".to_out.0", channels, channels, true);
    }

    public NDArray forward(NDArray x) {
        return TensorScope.keep(() -> {
            Shape shape = x.getShape();
            long batch = shape.get(0);
            long channels = shape.get(1);
            NDArray tokens = groupNorm.forward(x).reshape(batch, channels, -1).transpose(0, 2, 1);
            NDArray mixed = qkv.attend(tokens, null, null);
            return toOut.forward(mixed).transpose(0, 2, 1).reshape(shape).add(x);
        });
    }
}
