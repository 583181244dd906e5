package dev.tessera.models.sd.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import dev.tessera.tensor.ScalarOps;

/**
 * The tensor operations the SD models are built from, each one libtorch call where libtorch has one. Every op is
 * invoked on the activation (never on a weight) so that its result lands in the activation's manager.
 */
public final class Ops {

    private Ops() {
    }

    /** 2-D convolution, NCHW, square stride and symmetric padding. */
    public static NDArray conv2d(NDArray x, NDArray weight, NDArray bias, int stride, int padding) {
        return x.getNDArrayInternal()
                .convolution(x, weight, bias, new Shape(stride, stride), new Shape(padding, padding), new Shape(1, 1), 1)
                .singletonOrThrow();
    }

    /** {@code x @ weight^T + bias} over the last axis; {@code bias} may be null. */
    public static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        return x.getNDArrayInternal().linear(x, weight, bias).singletonOrThrow();
    }

    /** Layer normalisation over the last axis. */
    public static NDArray layerNorm(NDArray x, NDArray gamma, NDArray beta, float eps) {
        return x.getNDArrayInternal().layerNorm(x, new Shape(gamma.size()), gamma, beta, eps).singletonOrThrow();
    }

    /**
     * Group normalisation of NCHW (or NC...) {@code x}. libtorch's group_norm is not reachable through DJL, so the
     * statistics come from one layer_norm over each group's flattened elements (the same mean and biased variance),
     * followed by the per-channel affine.
     */
    public static NDArray groupNorm(NDArray x, int groups, NDArray gamma, NDArray beta, float eps) {
        Shape shape = x.getShape();
        NDArray grouped = x.reshape(shape.get(0), groups, -1);
        Shape stats = new Shape(grouped.getShape().get(2));
        DataType type = x.getDataType();
        NDArray ones = x.getManager().ones(stats, type);
        NDArray zeros = x.getManager().zeros(stats, type);
        NDArray normed = grouped.getNDArrayInternal().layerNorm(grouped, stats, ones, zeros, eps).singletonOrThrow();
        long[] perChannel = new long[shape.dimension() - 1];
        java.util.Arrays.fill(perChannel, 1);
        perChannel[0] = shape.get(1);
        return normed.reshape(shape).mul(gamma.reshape(perChannel)).add(beta.reshape(perChannel));
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
     * Score memory per chunk of queries at most: above it the queries are split so that no [batch, heads, chunk,
     * keys] score tensor exceeds it (a VAE's mid-block attention at 1024 px has 16384 tokens: 1 GiB of float32
     * scores at once; SD1.5's first self-attention at 1024 px, 8 GiB).
     */
    public static final long SCORE_BUDGET_BYTES = 256L << 20;

    /**
     * Multi-head scaled dot-product attention over {@code [batch, tokens, channels]} projections, all heads in one
     * batched matmul each way: scale q (cheaper than scaling the scores), q.k^T, optional additive {@code bias}
     * (broadcast to [batch, heads, q, k]), softmax, .v, merge heads. Seven launches (the scale is a tensor, see
     * {@link ScalarOps}) plus the layout copies the two matmuls make of their transposed operands; queries are processed in chunks when the scores would exceed
     * {@link #SCORE_BUDGET_BYTES} (softmax runs over keys, so chunking queries changes nothing but memory).
     */
    public static NDArray attention(NDArray q, NDArray k, NDArray v, int heads, NDArray bias) {
        return attention(q, k, v, heads, bias, SCORE_BUDGET_BYTES);
    }

    /** {@link #attention(NDArray, NDArray, NDArray, int, NDArray)} with a given score budget in bytes. */
    public static NDArray attention(NDArray q, NDArray k, NDArray v, int heads, NDArray bias, long budgetBytes) {
        long batch = q.getShape().get(0);
        long queries = q.getShape().get(1);
        long channels = q.getShape().get(2);
        long keys = k.getShape().get(1);
        long headDim = channels / heads;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        NDArray qh = ScalarOps.multiply(q, scale).reshape(batch, queries, heads, headDim).transpose(0, 2, 1, 3);
        NDArray kt = k.reshape(batch, keys, heads, headDim).transpose(0, 2, 3, 1);
        NDArray vh = v.reshape(batch, keys, heads, headDim).transpose(0, 2, 1, 3);
        long perQuery = batch * heads * keys * Math.max(4, q.getDataType().getNumOfBytes());
        long chunk = Math.max(1, budgetBytes / perQuery);
        NDArray mixed;
        if (chunk >= queries) {
            mixed = attend(qh, kt, vh, bias);
        } else {
            NDList parts = new NDList();
            for (long start = 0; start < queries; start += chunk) {
                long end = Math.min(queries, start + chunk);
                NDArray biasRows = bias == null ? null : bias.getShape().get(bias.getShape().dimension() - 2) == 1
                        ? bias : bias.get(new NDIndex("..., {}:{}, :", start, end));
                parts.add(attend(qh.get(new NDIndex(":, :, {}:{}, :", start, end)), kt, vh, biasRows));
            }
            mixed = NDArrays.concat(parts, 2);
        }
        return mixed.transpose(0, 2, 1, 3).reshape(batch, queries, channels);
    }

    private static NDArray attend(NDArray qh, NDArray kt, NDArray vh, NDArray bias) {
        NDArray scores = qh.matMul(kt);
        if (bias != null) {
            scores = scores.add(bias);
        }
        return scores.softmax(-1).matMul(vh);
    }
}
