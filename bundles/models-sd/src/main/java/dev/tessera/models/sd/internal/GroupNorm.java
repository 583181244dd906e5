package dev.tessera.models.sd.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.Weights;
import dev.tessera.models.core.layers.Ops;

/** torch.nn.GroupNorm with affine parameters over the channel axis 1. */
public final class GroupNorm {

    private final NDArray gamma;
    private final NDArray beta;
    private final int groups;
    private final float eps;

    public GroupNorm(Weights weights, String prefix, int groups, long channels, float eps) {
        if (channels % groups != 0) {
            throw new IllegalArgumentException(prefix + ": " + channels + " channels do not split into " + groups
                    + " groups");
        }
        this.gamma = weights.get(prefix + ".weight", new Shape(channels));
        this.beta = weights.get(prefix + ".bias", new Shape(channels));
        this.groups = groups;
        this.eps = eps;
    }

    public NDArray forward(NDArray x) {
        return Ops.groupNorm(x, groups, gamma, beta, eps);
    }

    /** The normalisation without gamma and beta, for a caller that folded them into its next linear map. */
    NDArray normalize(NDArray x, Shape shape) {
        return Ops.groupNormalize(x, groups, gamma.getManager(), eps, shape);
    }

    NDArray gamma() {
        return gamma;
    }

    NDArray beta() {
        return beta;
    }
}
