package dev.tessera.models.core.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.tessera.models.core.Weights;
import dev.tessera.tensor.TensorScope;

/**
 * diffusers' FeedForward: net.0.proj, the activation, net.2. With {@link Activation#GEGLU} (SD's transformer
 * blocks) net.0.proj goes to 2 x inner and the result is {@code value * gelu(gate)}; with
 * {@link Activation#GELU_TANH} ("gelu-approximate", FLUX) net.0.proj goes to inner and tanh GELU follows
 * (8 launches).
 */
public final class FeedForward {

    /** diffusers' {@code activation_fn} of the feed-forward. */
    public enum Activation {
        /** "geglu": the projection's halves are value and gate, {@code value * gelu(gate)}. */
        GEGLU,
        /** "gelu-approximate": tanh GELU of the projection. */
        GELU_TANH
    }

    private final Linear proj;
    private final Linear out;
    private final Activation activation;

    public FeedForward(Weights weights, String prefix, long dim, long inner, Activation activation) {
        long projected = activation == Activation.GEGLU ? inner * 2 : inner;
        this.proj = new Linear(weights, prefix + ".net.0.proj", dim, projected, true);
        this.out = new Linear(weights, prefix + ".net.2", inner, dim, true);
        this.activation = activation;
    }

    public NDArray forward(NDArray x) {
        return TensorScope.keep(() -> {
            NDArray projected = proj.forward(x);
            if (activation == Activation.GELU_TANH) {
                return out.forward(Ops.geluTanh(projected));
            }
            NDList halves = projected.split(2, projected.getShape().dimension() - 1);
            return out.forward(halves.get(0).mul(Ops.gelu(halves.get(1))));
        });
    }
}
