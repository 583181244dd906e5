package dev.tessera.models.core.layers;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.util.cuda.CudaUtils;
import dev.tessera.tensor.ScalarOps;
import java.io.IOException;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Scaled dot-product attention with the query rows in chunks, so that no chunk's [batch, heads, rows, keys] score
 * tensor exceeds a byte budget. Softmax runs over keys and rows are independent, so chunking changes nothing but
 * memory (a VAE's mid-block attention at 1024 px has 16384 tokens: 1 GiB of float32 scores at once; SD1.5's first
 * self-attention at 1024 px, 8 GiB; FLUX's joint attention over 11776 tokens with 24 heads, 13 GB). DJL has no
 * fused attention, so these are explicit launches: q.k^T, the optional bias add, softmax, .v per chunk, plus two
 * slices per extra chunk and the concat.
 */
public final class ChunkedAttention {

    /** Score memory per chunk of queries where the device's free memory is unknown (and at least): 256 MiB. */
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
        int rowAxis = qShape.length - 2;
        long queries = qShape[rowAxis];
        long keys = kt.getShape().get(kt.getShape().dimension() - 1);
        long lead = 1;
        for (int i = 0; i < rowAxis; i++) {
            lead *= qShape[i];
        }
        long perRow = lead * keys * qs.getDataType().getNumOfBytes();
        long rows = Math.max(1, budgetBytes / Math.max(1, perRow));
        if (rows >= queries) {
            return scores(qs, kt, v, bias);
        }
        boolean biasPerRow = bias != null && bias.getShape().get(bias.getShape().dimension() - 2) != 1;
        NDList parts = new NDList();
        for (long start = 0; start < queries; start += rows) {
            long end = Math.min(queries, start + rows);
            NDArray biasRows = biasPerRow ? bias.get(new NDIndex("..., {}:{}, :", start, end)) : bias;
            parts.add(scores(qs.get(new NDIndex("..., {}:{}, :", start, end)), kt, v, biasRows));
        }
        return NDArrays.concat(parts, rowAxis);
    }

    /**
     * The score budget for attention on {@code device}: a quarter of the memory free there now (the scores and
     * their softmax exist at once, with room to spare), never less than {@link #DEFAULT_SCORE_BUDGET}; so
     * attention runs in one pass, without the slices and the concatenation of chunks, whenever its scores fit.
     * A GPU's free memory comes from CUDA, the CPU's from /proc/meminfo (MemAvailable); where neither answers,
     * the default. Read at most once a second per device.
     */
    public static long scoreBudget(Device device) {
        long now = System.nanoTime();
        Budget cached = BUDGETS.get(device.toString());
        if (cached != null && now - cached.readAt < 1_000_000_000L) {
            return cached.bytes;
        }
        long free = freeBytes(device);
        long bytes = Math.max(DEFAULT_SCORE_BUDGET, free / 4);
        BUDGETS.put(device.toString(), new Budget(bytes, now));
        return bytes;
    }

    private record Budget(long bytes, long readAt) {
    }

    private static final Map<String, Budget> BUDGETS = new ConcurrentHashMap<>();

    private static long freeBytes(Device device) {
        try {
            if (device.isGpu()) {
                MemoryUsage usage = CudaUtils.getGpuMemory(device);
                return usage.getMax() - usage.getCommitted();
            }
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException | LinkageError e) {
            // No CUDA runtime to ask (JNA absent) or no /proc: the fixed default.
        }
        return 0;
    }

    /**
     * {@code [batch, tokens, heads * headDim]} to heads first: {@code [batch, heads, tokens, headDim]}, or with
     * {@code keysTransposed} {@code [batch, heads, headDim, tokens]} (the layout q.k^T takes): 2 launches.
     */
    public static NDArray splitHeads(NDArray x, int heads, boolean keysTransposed) {
        long batch = x.getShape().get(0);
        long tokens = x.getShape().get(1);
        long headDim = x.getShape().get(2) / heads;
        NDArray split = x.reshape(batch, tokens, heads, headDim);
        return keysTransposed ? split.transpose(0, 2, 3, 1) : split.transpose(0, 2, 1, 3);
    }

    /** Heads-first {@code [..., batch, heads, tokens, headDim]} (a leading axis of 1 allowed) to {@code [batch, tokens, heads * headDim]}: 2 launches. */
    public static NDArray mergeHeads(NDArray mixed) {
        Shape shape = mixed.getShape();
        int d = shape.dimension();
        long batch = shape.get(d - 4);
        long heads = shape.get(d - 3);
        long tokens = shape.get(d - 2);
        long headDim = shape.get(d - 1);
        return mixed.swapAxes(d - 3, d - 2).reshape(batch, tokens, heads * headDim);
    }

    /**
     * Multi-head attention over {@code [batch, tokens, channels]} projections, all heads in one batched matmul
     * each way: scale q (cheaper than scaling the scores; a tensor scalar, see {@link ScalarOps}), split heads,
     * {@link #attend} with the device's {@link #scoreBudget}, merge heads. {@code bias} broadcasts to
     * [batch, heads, q, k] or is null. Layers with weights laid out once use {@link AttentionProjections} instead,
     * which folds the scale into the query weights.
     */
    public static NDArray multiHead(NDArray q, NDArray k, NDArray v, int heads, NDArray bias) {
        return multiHead(q, k, v, heads, bias, scoreBudget(q.getDevice()));
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
