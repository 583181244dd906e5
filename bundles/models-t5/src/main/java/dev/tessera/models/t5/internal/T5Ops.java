package dev.tessera.models.t5.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import dev.tessera.models.core.layers.Ops;

/**
 * The tensor operations the T5 encoder is built from. Every op is invoked on the activation (never on a weight) so
 * that its result lands in the activation's manager and the enclosing computation scope frees it.
 */
public final class T5Ops {

    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2.0 / Math.PI);

    private T5Ops() {
    }

    /** {@code x @ weight^T} over the last axis (T5 has no biases). */
    public static NDArray linear(NDArray x, NDArray weight) {
        return Ops.linear(x, weight, null);
    }

    /** Row lookup: {@code table[ids]} for integer {@code ids} of any shape. */
    public static NDArray embedding(NDArray ids, NDArray table) {
        return Ops.embedding(ids, table);
    }

    /**
     * transformers' T5LayerNorm: scale by the root mean square (no mean subtraction, no bias). The statistics are
     * taken in float32 whatever the input; the normalised value is cast to {@code dtype} before the weight
     * multiplies it, as transformers does for half-precision weights.
     */
    public static NDArray rmsNorm(NDArray x, NDArray weight, float eps, DataType dtype) {
        NDArray x32 = x.toType(DataType.FLOAT32, false);
        NDArray meanSquare = x32.square().mean(new int[] {-1}, true);
        NDArray normed = x32.div(meanSquare.add(eps).sqrt()).toType(dtype, false);
        return normed.mul(weight);
    }

    /** The feed-forward activation named as in transformers' ACT2FN. */
    public static NDArray activation(NDArray x, String name) {
        return switch (name) {
            case "gelu_new", "gelu_pytorch_tanh" -> geluTanh(x);
            case "gelu" -> x.getNDArrayInternal().gelu();
            case "relu" -> x.getNDArrayInternal().relu();
            default -> throw new IllegalArgumentException("T5 activation '" + name + "' is not supported");
        };
    }

    /** GELU's tanh approximation, {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))} (NewGELUActivation). */
    static NDArray geluTanh(NDArray x) {
        NDArray inner = x.add(x.pow(3f).mul(0.044715f)).mul(SQRT_2_OVER_PI);
        return x.mul(0.5f).mul(inner.tanh().add(1f));
    }

    /** Elementwise {@code min(x, limit)} for integer {@code x}. */
    static NDArray minimum(NDArray x, long limit) {
        return NDArrays.minimum(x, limit);
    }
}
