package dev.tessera.models.core.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.Weights;

/** torch.nn.Linear: {@code prefix.weight} [out, in] and, if present, {@code prefix.bias} [out]. */
public final class Linear {

    private final NDArray weight;
    private final NDArray bias;

    public Linear(Weights weights, String prefix, long in, long out, boolean hasBias) {
        this.weight = weights.get(prefix + ".weight", new Shape(out, in));
        this.bias = hasBias ? weights.get(prefix + ".bias", new Shape(out)) : null;
    }

    /** A linear layer with bias. */
    public Linear(Weights weights, String prefix, long in, long out) {
        this(weights, prefix, in, out, true);
    }

    public NDArray forward(NDArray x) {
        return Ops.linear(x, weight, bias);
    }
}
