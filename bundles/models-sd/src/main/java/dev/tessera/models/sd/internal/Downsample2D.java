package dev.tessera.models.sd.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.Weights;
import dev.tessera.tensor.TensorScope;

/**
 * diffusers' Downsample2D with a conv: 3x3, stride 2, symmetric padding; with padding 0 (the VAE encoder) the input
 * is first padded by one zero row and column at the bottom and right, as diffusers does.
 */
public final class Downsample2D {

    private final Conv2d conv;
    private final boolean asymmetricPad;

    public Downsample2D(Weights weights, String prefix, long channels, int padding) {
        this.conv = new Conv2d(weights, prefix + ".conv", channels, channels, 3, 2, padding);
        this.asymmetricPad = padding == 0;
    }

    public NDArray forward(NDArray x) {
        if (!asymmetricPad) {
            return conv.forward(x);
        }
        // torch pad order: last axis first, (left, right, top, bottom).
        return TensorScope.keep(() -> conv.forward(x.pad(new Shape(0, 1, 0, 1), 0)));
    }
}
