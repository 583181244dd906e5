package dev.tessera.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Tensor-by-number products that autograd can differentiate safely. DJL's {@code mul(Number)} and
 * {@code div(Number)} make the number a tensor over a direct buffer ({@code torch::from_blob}) and close it right
 * after the call; autograd keeps that tensor to compute the gradient, and once the collector has freed the buffer
 * the backward pass reads whatever is there (measured: 147 of 200 gradients of {@code x.mul(3f)} wrong after a
 * garbage collection). These make the number with {@code full}, a tensor that owns its memory. Inference code on
 * a training path uses them too (attention's scale, quick GELU); on a GPU it is one small kernel instead of a
 * host-to-device copy.
 */
public final class ScalarOps {

    private ScalarOps() {}

    /** {@code x * factor}, in x's dtype on x's device and manager. */
    public static NDArray multiply(NDArray x, float factor) {
        return x.mul(x.getManager().full(new Shape(), factor, x.getDataType()));
    }

    /** {@code x / divisor}, in x's dtype on x's device and manager. */
    public static NDArray divide(NDArray x, float divisor) {
        return x.div(x.getManager().full(new Shape(), divisor, x.getDataType()));
    }
}
