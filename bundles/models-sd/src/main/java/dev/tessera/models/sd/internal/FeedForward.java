package dev.tessera.models.sd.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.tessera.models.sd.Weights;
import dev.tessera.tensor.TensorScope;

/** diffusers' FeedForward with GEGLU: net.0.proj to 2 x inner, {@code value * gelu(gate)}, net.2 back. */
public final class FeedForward {

    private final Linear proj;
    private final Linear out;

    public FeedForward(Weights weights, String prefix, long dim, long inner) {
        this.proj = new Linear(weights, prefix + ".net.0.proj", dim, inner * 2, true);
        this.out = new Linear(weights, prefix + ".net.2", inner, dim, true);
    }

    public NDArray forward(NDArray x) {
        return TensorScope.keep(() -> {
            NDArray projected = proj.forward(x);
            NDList halves = projected.split(2, projected.getShape().dimension() - 1);
            return out.forward(halves.get(0).mul(Ops.gelu(halves.get(1))));
        });
    }
}
