package dev.tessera.models.llm.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.Weights;

/** A torch.nn.Linear of the decoder: {@code prefix.weight} [out, in], and {@code prefix.bias} [out] if it has one. */
final class Projection {

    private final NDArray weight;
    private final NDArray bias;

    Projection(Weights weights, String prefix, long in, long out, boolean hasBias) {
        this.weight = weights.get(prefix + ".weight", new Shape(out, in));
        this.bias = hasBias ? weights.get(prefix + ".bias", new Shape(out)) : null;
    }

    NDArray forward(NDArray x) {
        return LlmOps.linear(x, weight, bias);
    }
}
