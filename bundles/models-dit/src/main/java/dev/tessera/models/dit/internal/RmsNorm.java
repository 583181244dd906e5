package dev.tessera.models.dit.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.Weights;
import dev.tessera.models.core.layers.Ops;

/** diffusers' RMSNorm (eps 1e-6, with weight) over the last axis; the q/k norms of every FLUX attention. */
public final class RmsNorm {

    private static final float EPS = 1e-6f;

    private final NDArray weight;

    public RmsNorm(Weights weights, String name, long dim) {
        this.weight = weights.get(name, new Shape(dim));
    }

    public NDArray forward(NDArray x) {
        return Ops.rmsNorm(x, weight, EPS);
    }
}
