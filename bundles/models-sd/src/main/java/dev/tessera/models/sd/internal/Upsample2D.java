package dev.tessera.models.sd.internal;

import ai.djl.ndarray.NDArray;
import dev.tessera.models.core.Weights;
import dev.tessera.models.core.layers.Ops;
import dev.tessera.tensor.TensorScope;

/** diffusers' Upsample2D with a conv: nearest-neighbour to twice the size (or a given size), then 3x3 conv. */
public final class Upsample2D {

    private final Conv2d conv;

    public Upsample2D(Weights weights, String prefix, long channels) {
        this.conv = new Conv2d(weights, prefix + ".conv", channels, channels, 3, 1, 1);
    }

    /** Upsamples to {@code height} x {@code width}; pass twice the input size for the ordinary case. */
    public NDArray forward(NDArray x, long height, long width) {
        return TensorScope.keep(() -> conv.forward(Ops.nearest(x, height, width)));
    }
}
