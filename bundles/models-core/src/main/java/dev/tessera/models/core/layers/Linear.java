package dev.tessera.models.core.layers;

import java.util.Arrays;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.Weights;
import java.util.List;

/**
 * torch.nn.Linear: {@code prefix.weight} [out, in] and, if present, {@code prefix.bias} [out].
 *
 * <p>The weight is used as laid out once, transposed to [in, out] (a view: no copy), so a call is one matmul
 * (plus the bias add); libtorch's C++ {@code linear} launches a {@code t} of the weight on every call. A weight
 * that is being trained keeps the per-call path, so its gradient flows as before.
 */
public final class Linear {

    private final NDArray weight;
    private final NDArray weightT;
    private final NDArray bias;

    public Linear(Weights weights, String prefix, long in, long out, boolean hasBias) {
        this.weight = weights.get(prefix + ".weight", new Shape(out, in));
        this.bias = hasBias ? weights.get(prefix + ".bias", new Shape(out)) : null;
        this.weightT = Weights.preparable(weight)
                ? weights.derive(prefix + ".weight:T", Arrays.asList(weight), w -> w.get(0).transpose(1, 0))
                : null;
    }

    /** A linear layer with bias. */
    public Linear(Weights weights, String prefix, long in, long out) {
        this(weights, prefix, in, out, true);
    }

    /** The manager of this layer's weight: lives as long as the model (for constants a layer keeps beside it). */
    public NDManager owner() {
        return weight.getManager();
    }

    public NDArray forward(NDArray x) {
        return weightT == null ? Ops.linear(x, weight, bias) : Ops.linearT(x, weightT, bias);
    }
}
