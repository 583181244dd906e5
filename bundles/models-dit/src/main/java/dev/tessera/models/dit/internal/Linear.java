package dev.tessera.models.dit.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.sd.Weights;

/** torch.nn.Linear with bias: {@code prefix.weight} [out, in], {@code prefix.bias} [out]. */
public final class Linear {

    private final NDArray weight;
    private final NDArray bias;

    public Linear(Weights weights, String prefix, long in, long out) {
        this.weight = weights.get(prefix + ".weight", new Shape(out, in));
        this.bias = weights.get(prefix + ".bias", new Shape(out));
    }

    public NDArray forward(NDArray x) {
        return Ops.linear(x, weight, bias);
    }
}
