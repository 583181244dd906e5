package dev.tessera.models.dit.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The tensor operations the DiT is built from. Every op is invoked on the activation (never on a weight) so that
 * its result lands in the activation's manager. Launch counts are given per method; they add up to the figures in
 * docs/models-dit.md.
 */
public final class Ops {

    /** sqrt(2 / pi), the constant of the tanh form of GELU. */
    private static final float GELU_C = (float) Math.sqrt(2.0 / Math.PI);

    private Ops() {
    }

    /** {@code x @ weight^T + bias}: 1 launch. */
    public static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        return x.getNDArrayInternal().linear(x, weight, bias).singletonOrThrow();
    }

    /** SiLU {@code x * sigmoid(x)}: 2 launches. */
    public static NDArray silu(NDArray x) {
        return x.mul(x.getNDArrayInternal().sigmoid());
    }

    /**
     * GELU, tanh approximation (torch's {@code approximate="tanh"}), written as {@code x * sigmoid(2u)} with
     * {@code u = c (x + 0.044715 x^3)}, which equals {@code 0.5 x (1 + tanh u)}: 6 launches.
     */
    public static NDArray geluTanh(NDArray x) {
        NDArray inner = x.square().mul(2f * GELU_C * 0.044715f).add(2f * GELU_C).mul(x);
        return x.mul(inner.getNDArrayInternal().sigmoid());
    }

    /** LayerNorm over the last axis without affine parameters (eps as given): 1 launch plus two constants. */
    public static NDArray layerNorm(NDArray x, float eps) {
        long dim = x.getShape().get(x.getShape().dimension() - 1);
        Shape stats = new Shape(dim);
        NDArray ones = x.getManager().ones(stats, x.getDataType());
        NDArray zeros = x.getManager().zeros(stats, x.getDataType());
        return x.getNDArrayInternal().layerNorm(x, stats, ones, zeros, eps).singletonOrThrow();
    }

    /**
     * RMSNorm over the last axis as diffusers' RMSNorm (and BFL's): statistics in float32, the normalised value
     * back in the input dtype, then times {@code weight}: 5 launches (plus 2 casts outside float32).
     */
    public static NDArray rmsNorm(NDArray x, NDArray weight, float eps) {
        DataType dtype = x.getDataType();
        NDArray x32 = dtype == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
        int last = x.getShape().dimension() - 1;
        NDArray rms = x32.square().mean(new int[] {last}, true).add(eps).sqrt();
        NDArray normed = x32.div(rms);
        if (dtype != DataType.FLOAT32) {
            normed = normed.toType(dtype, false);
        }
        return normed.mul(weight);
    }

    /** {@code norm(x) * (1 + scale) + shift} with per-sample {@code scale}, {@code shift} [B, C]: 3 launches. */
    public static NDArray modulate(NDArray normed, NDArray shift, NDArray scale) {
        long batch = scale.getShape().get(0);
        long channels = scale.getShape().get(1);
        return normed.mul(scale.add(1f).reshape(batch, 1, channels)).add(shift.reshape(batch, 1, channels));
    }
}
