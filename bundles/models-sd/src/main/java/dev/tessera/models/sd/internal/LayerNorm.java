package dev.tessera.models.sd.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.Weights;
import dev.tessera.models.core.layers.Ops;

/** torch.nn.LayerNorm over the last axis, with affine parameters. */
public final class LayerNorm {

    private final NDArray gamma;
    private final NDArray beta;
    private final float eps;

    public LayerNorm(Weights weights, String prefix, long dim, float eps) {
        this.gamma = weights.get(prefix + ".weight", new Shape(dim));
        this.beta = weights.get(prefix + ".bias", new Shape(dim));
        this.eps = eps;
    }

    public NDArray forward(NDArray x) {
        return Ops.layerNorm(x, gamma, beta, eps);
    }
}
