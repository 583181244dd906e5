package dev.tessera.models.sd.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.Weights;
import dev.tessera.models.core.layers.Ops;

/** torch.nn.Conv2d with a square kernel and a bias: {@code prefix.weight} [out, in, k, k], {@code prefix.bias}. */
public final class Conv2d {

    private final NDArray weight;
    private final NDArray bias;
    private final int stride;
    private final int padding;

    public Conv2d(Weights weights, String prefix, long in, long out, int kernel, int stride, int padding) {
        this.weight = weights.get(prefix + ".weight", new Shape(out, in, kernel, kernel));
        this.bias = weights.get(prefix + ".bias", new Shape(out));
        this.stride = stride;
        this.padding = padding;
    }

    public NDArray forward(NDArray x) {
        return Ops.conv2d(x, weight, bias, stride, padding);
    }
}
