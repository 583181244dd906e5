package dev.tessera.models.dit.internal;

import ai.djl.ndarray.NDArray;
import dev.tessera.models.sd.Weights;

/** diffusers' FeedForward with activation "gelu-approximate": net.0.proj, tanh GELU, net.2. 8 launches. */
public final class FeedForward {

    private final Linear in;
    private final Linear out;

    public FeedForward(Weights weights, String prefix, long dim, long inner) {
        this.in = new Linear(weights, prefix + ".net.0.proj", dim, inner);
        this.out = new Linear(weights, prefix + ".net.2", inner, dim);
    }

    public NDArray forward(NDArray x) {
        return out.forward(Ops.geluTanh(in.forward(x)));
    }
}
