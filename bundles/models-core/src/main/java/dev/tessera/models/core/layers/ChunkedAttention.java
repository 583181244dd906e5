package dev.tessera.models.core.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import dev.tessera.tensor.ScalarOps;

/**
 * Scaled dot-product attention with the query rows in chunks, so that no chunk's [batch, heads, rows, keys] score
 * tensor exceeds a byte budget. Softmax runs over keys and rows are independent, so chunking changes nothing but
 * memory (a VAE's mid-block attention at 1024 px has 16384 tokens: 1 GiB of float32 scores at once; SD1.5's first
 * self-attention at 1024 px, 8 GiB; FLUX's joint attention over 11776 tokens with 24 heads, 13 GB). DJL has no
 * fused attention, so these are explicit launches: q.k^T, the optional bias add, softmax, .v per chunk, plus two
 * slices per extra chunk and the concat.
 */
public final class ChunkedAttention {

    /** Score memory per chunk of queries by default: 256 MiB. */
    public static final long DEFAULT_SCORE_BUDGET = 256L << 20;

    private ChunkedAttention() {
    }

    /**
     * {@code softmax(qs . kt + bias) . v} over heads-first tensors: already scaled queries {@code qs} [B, H, Q, D],
     * transposed keys {@code kt} [B, H, D, K], values {@code v} [B, H, K, D]; {@code bias} is null or broadcasts
     * to [B, H, Q, K] with a query axis (its second-to-last) of Q or 1. Result [B, H, Q, D] in qs's manager.
     */
    public static NDArray attend(NDArray qs, NDArray kt, NDArray v, NDArray bias, long budgetBytes) {
        long[] qShape = qs.getShape().getShape();
        long queries = qShape[2];
        long keys = kt.getShape().get(3);
        long perRow = qShape[0] * qShape[1] * keys * qs.getDataType().getNumOfBytes();
        long rows = Math.max(1, budgetBytes / Math.max(1, perRow));
        if (rows >= queries) {
            return scores(qs, kt, v, bias);
        }
        boolean biasPerRow = bias != null && bias.getShape().get(bias.getShape().dimension() - 2) != 1;
        NDList parts = new NDList();
        for (long start = 0; start < queries; start += rows) {
            long end = Math.min(queries, start + rows);
            NDArray biasRows = biasPerRow ? bias.get(new NDIndex("..., {}:{}, :", start, end)) : bias;
            parts.add(scores(qs.get(new NDIndex(":, :, {}:{}, :", start, end)), kt, v, biasRows));
        }
        return NDArrays.concat(parts, 2);
    }

    /**
     * Multi-head attention over {@code [batch, tokens, channels]} projections, all heads in one batched matmul
     * each way: scale q (cheaper than scaling the scores; a tensor scalar, see {@link ScalarOps}), split heads,
     * {@link #attend} with {@link #DEFAULT_SCORE_BUDGET}, merge heads. {@code bias} broadcasts to
     * [batch, heads, q, k] or is null.
     */
    public static NDArray multiHead(NDArray q, NDArray k, NDArray v, int heads, NDArray bias) {
        return multiHead(q, k, v, heads, bias, DEFAULT_SCORE_BUDGET);
    }

    /** {@link #multiHead(NDArray, NDArray, NDArray, int, NDArray)} with a given score budget in bytes. */
    public static NDArray multiHead(NDArray q, NDArray k, NDArray v, int heads, NDArray bias, long budgetBytes) {
        long batch = q.getShape().get(0);
        long queries = q.getShape().get(1);
        long channels = q.getShape().get(2);
        long keys = k.getShape().get(1);
        long headDim = channels / heads;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        NDArray qh = ScalarOps.multiply(q, scale).reshape(batch, queries, heads, headDim).transpose(0, 2, 1, 3);
        NDArray kt = k.reshape(batch, keys, heads, headDim).transpose(0, 2, 3, 1);
        NDArray vh = v.reshape(batch, keys, heads, headDim).transpose(0, 2, 1, 3);
        NDArray mixed = attend(qh, kt, vh, bias, budgetBytes);
        return mixed.transpose(0, 2, 1, 3).reshape(batch, queries, channels);
    }

    private static NDArray scores(NDArray qs, NDArray kt, NDArray v, NDArray bias) {
        NDArray scores = qs.matMul(kt);
        if (bias != null) {
            scores = scores.add(bias);
        }
        return scores.softmax(-1).matMul(v);
    }
}
