package dev.tessera.models.core.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import dev.tessera.tensor.ScalarOps;

/**
 * The tensor operations the models are built from, each one libtorch call where libtorch has one. Every op is
 * invoked on the activation (never on a weight) so that its result lands in the activation's manager and the
 * enclosing computation scope frees it. Attention is {@link ChunkedAttention}.
 */
public final class Ops {

    /** sqrt(2 / pi), the constant of the tanh form of GELU. */
    private static final float GELU_C = (float) Math.sqrt(2.0 / Math.PI);

    private Ops() {
    }

    /** 2-D convolution, NCHW, square stride and symmetric padding. */
    public static NDArray conv2d(NDArray x, NDArray weight, NDArray bias, int stride, int padding) {
        return x.getNDArrayInternal()
                .convolution(x, weight, bias, new Shape(stride, stride), new Shape(padding, padding), new Shape(1, 1), 1)
                .singletonOrThrow();
    }

    /** 1-D convolution of [N, C, L] with a kernel of 1 (a per-position linear map with its bias in one launch). */
    public static NDArray pointwiseConv1d(NDArray x, NDArray weight, NDArray bias) {
        return x.getNDArrayInternal()
                .convolution(x, weight, bias, new Shape(1), new Shape(0), new Shape(1), 1)
                .singletonOrThrow();
    }

    /** {@code x @ weight^T + bias} over the last axis; {@code bias} may be null. */
    public static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        return x.getNDArrayInternal().linear(x, weight, bias).singletonOrThrow();
    }

    /**
     * {@code x @ weightT + bias} with the weight already laid out [in, out] (a transposed view of the stored
     * [out, in] is fine: the matmul reads it through its strides): 2 launches with a bias, 1 without.
     */
    public static NDArray linearT(NDArray x, NDArray weightT, NDArray bias) {
        NDArray y = x.matMul(weightT);
        return bias == null ? y : y.addi(bias);
    }

    /** Layer normalisation over the last axis. */
    public static NDArray layerNorm(NDArray x, NDArray gamma, NDArray beta, float eps) {
        return x.getNDArrayInternal().layerNorm(x, new Shape(gamma.size()), gamma, beta, eps).singletonOrThrow();
    }

    /**
     * Group normalisation of NCHW (or NC...) {@code x}: 4 launches. libtorch's group_norm is not reachable through
     * DJL, so the statistics come from one layer_norm over each group's flattened elements (the same mean and
     * biased variance) with unit weights made once (see {@link NormConstants}), and the per-channel affine is one
     * inference batch_norm with mean 0, variance 1 and eps 0 (exactly {@code x * gamma + beta}) instead of two
     * reshapes, a mul and an add.
     */
    public static NDArray groupNorm(NDArray x, int groups, NDArray gamma, NDArray beta, float eps) {
        NDManager owner = gamma.getManager();
        NDArray normed = groupNormalize(x, groups, owner, eps);
        NDArray[] channel = NormConstants.onesZeros(owner, x.getShape().get(1), x.getDataType());
        return normed.getNDArrayInternal().batchNorm(normed, channel[1], channel[0], gamma, beta, -1, 0f, 0f, false)
                .singletonOrThrow();
    }

    /**
     * Group normalisation without the affine (for a layer that folds gamma and beta into the next linear map): 3
     * launches, with the unit weights kept on {@code owner} (a manager that lives as long as the model).
     */
    public static NDArray groupNormalize(NDArray x, int groups, NDManager owner, float eps) {
        return groupNormalize(x, groups, owner, eps, x.getShape());
    }

    /** {@link #groupNormalize(NDArray, int, NDManager, float)} reshaped to {@code shape} (as many elements). */
    public static NDArray groupNormalize(NDArray x, int groups, NDManager owner, float eps, Shape shape) {
        NDArray grouped = x.reshape(shape.get(0), groups, -1);
        long perGroup = grouped.getShape().get(2);
        NDArray[] unit = NormConstants.onesZeros(owner, perGroup, x.getDataType());
        return grouped.getNDArrayInternal().layerNorm(grouped, new Shape(perGroup), unit[0], unit[1], eps)
                .singletonOrThrow().reshape(shape);
    }

    /** SiLU (swish): {@code x * sigmoid(x)}. */
    public static NDArray silu(NDArray x) {
        return x.mul(x.getNDArrayInternal().sigmoid());
    }

    /** GELU, exact (erf) form as torch.nn.functional.gelu. */
    public static NDArray gelu(NDArray x) {
        return x.getNDArrayInternal().gelu();
    }

    /** OpenAI CLIP's approximation {@code x * sigmoid(1.702 x)}. */
    public static NDArray quickGelu(NDArray x) {
        NDArray scaled = ScalarOps.multiply(x, 1.702f);
        return x.mul(scaled.getNDArrayInternal().sigmoid());
    }

    /** Row lookup: {@code table[ids]} for integer {@code ids} of any shape. */
    public static NDArray embedding(NDArray ids, NDArray table) {
        return ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
    }

    /** Nearest-neighbour resize of NCHW {@code x} to {@code height} x {@code width} (torch's "nearest"). */
    public static NDArray nearest(NDArray x, long height, long width) {
        return x.getNDArrayInternal().interpolation(new long[] {height, width}, 0, false);
    }

    /**
     * GELU, tanh approximation (torch's {@code approximate="tanh"}), written as {@code x * sigmoid(2u)} with
     * {@code u = c (x + 0.044715 x^3)}, which equals {@code 0.5 x (1 + tanh u)}: 6 launches.
     */
    public static NDArray geluTanh(NDArray x) {
        NDArray inner = x.square().mul(2f * GELU_C * 0.044715f).add(2f * GELU_C).mul(x);
        return x.mul(inner.getNDArrayInternal().sigmoid());
    }

    /**
     * LayerNorm over the last axis without affine parameters: 1 launch, its unit weights made once per width on
     * {@code owner} (a manager as long-lived as the model, such as a weight's) and kept there.
     */
    public static NDArray layerNorm(NDArray x, NDManager owner, float eps) {
        long dim = x.getShape().get(x.getShape().dimension() - 1);
        NDArray[] unit = NormConstants.onesZeros(owner, dim, x.getDataType());
        return x.getNDArrayInternal().layerNorm(x, new Shape(dim), unit[0], unit[1], eps).singletonOrThrow();
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

    /**
     * Adaptive LayerNorm's modulation {@code normed * (1 + scale) + shift} of [B, L, C] with per-sample
     * {@code scale}, {@code shift} [B, C]: 3 launches.
     */
    public static NDArray modulate(NDArray normed, NDArray shift, NDArray scale) {
        long batch = scale.getShape().get(0);
        long channels = scale.getShape().get(1);
        return normed.mul(scale.add(1f).reshape(batch, 1, channels)).add(shift.reshape(batch, 1, channels));
    }
}
