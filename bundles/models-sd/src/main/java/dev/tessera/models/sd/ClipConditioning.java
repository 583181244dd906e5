package dev.tessera.models.sd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.tessera.tensor.TensorScope;

/**
 * Token windows to SD1.x conditioning as ComfyUI's {@code SDClipModel} with {@code ClipTokenWeightEncoder} computes
 * it: all windows (and, when weighted, the empty window) in one batch, or in batches of {@link #ROWS_PER_PASS}
 * windows when there are more; the output of layer {@code lastLayer}
 * (-1: the final layer; earlier layers then pass through the final layer norm, ComfyUI's
 * {@code layer_norm_hidden_state}); {@code z = (z - z_empty) * w + z_empty} where a token's weight differs from
 * 1; the windows concatenated along tokens; the pooled output of the first window. Shared by the SD1.x, SDXL and
 * SD3 CLIP handles.
 */
public final class ClipConditioning {

    /** Windows the text encoder runs at once; longer prompts run in several passes. */
    public static final int ROWS_PER_PASS = 8;

    private ClipConditioning() {}

    /**
     * @param ids {@code windows x length} token ids, window after window
     * @param weights one per id
     * @param emptyWindow the empty prompt's window, encoded as the reference point when any weight is not 1
     * @return {@code [cond [1, windows * length, dim], pooled [1, dim]]} on {@code manager}
     */
    public static NDList encode(CLIPTextModel model, long[] ids, float[] weights, int windows, long[] emptyWindow,
            int lastLayer, NDManager manager) {
        return encode(model, ids, weights, windows, emptyWindow, lastLayer, true, manager);
    }

    /**
     * As {@link #encode(CLIPTextModel, long[], float[], int, long[], int, NDManager)}; {@code normHidden} false
     * leaves an earlier layer's output without the final layer norm (ComfyUI's SDXL encoders:
     * {@code layer_norm_hidden_state=False}).
     */
    public static NDList encode(CLIPTextModel model, long[] ids, float[] weights, int windows, long[] emptyWindow,
            int lastLayer, boolean normHidden, NDManager manager) {
        int length = ids.length / windows;
        boolean weighted = false;
        for (float w : weights) {
            weighted |= w != 1.0f;
        }
        long[] batch = ids;
        int rows = windows;
        if (weighted) {
            batch = new long[ids.length + length];
            System.arraycopy(ids, 0, batch, 0, ids.length);
            System.arraycopy(emptyWindow, 0, batch, ids.length, length);
            rows++;
        }
        NDArray tokens = manager.create(batch, new Shape(rows, length));
        boolean applyWeights = weighted;
        int rowCount = rows;
        NDList result = TensorScope.keepAll(() -> {
            // Windows in batches of at most ROWS_PER_PASS: a long prompt's activations stay bounded (a prompt of
            // hundreds of windows in one batch took gigabytes); up to that many, one pass as ComfyUI runs them.
            NDList parts = new NDList();
            NDArray pooled = null;
            for (int start = 0; start < rowCount; start += ROWS_PER_PASS) {
                NDArray chunk = tokens.get(new NDIndex("{}:{}", start, Math.min(rowCount, start + ROWS_PER_PASS)));
                CLIPTextOutput out = model.forward(chunk);
                parts.add(switch (lastLayer) {
                    // ComfyUI's layer -1 is hidden_states[-1], normed only where the encoder norms hidden states.
                    case -1 -> normHidden ? out.lastHiddenState() : out.lastLayerOutput();
                    case -2 -> normHidden ? model.finalLayerNorm(out.penultimateHiddenState())
                            : out.penultimateHiddenState();
                    default -> normHidden ? model.finalLayerNorm(model.hiddenState(chunk, lastLayer))
                            : model.hiddenState(chunk, lastLayer);
                });
                if (pooled == null) {
                    pooled = out.pooledOutput().get(new NDIndex("0:1"));
                }
            }
            NDArray z = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0);
            if (applyWeights) {
                NDArray empty = z.get(new NDIndex("{}:", windows));
                z = z.get(new NDIndex(":{}", windows));
                NDArray w = tokens.getManager().create(weights, new Shape(windows, length, 1))
                        .toDevice(z.getDevice(), false).toType(z.getDataType(), false);
                NDArray scaled = z.sub(empty).mul(w).add(empty);
                z = NDArrays.where(w.neq(1f).broadcast(z.getShape()), scaled, z);
            }
            long dim = z.getShape().get(2);
            return new NDList(z.reshape(1, (long) windows * length, dim), pooled);
        });
        tokens.close();
        return result;
    }
    /**
     * {@code ids} (whole windows) followed by copies of {@code emptyWindow} up to {@code windows} windows: ComfyUI
     * pads the prompt with fewer windows so when two encoders' outputs are joined (SDXL, SD3).
     */
    public static long[] padWindows(long[] ids, long[] emptyWindow, int windows) {
        int length = emptyWindow.length;
        long[] out = java.util.Arrays.copyOf(ids, windows * length);
        for (int start = ids.length; start < out.length; start += length) {
            System.arraycopy(emptyWindow, 0, out, start, length);
        }
        return out;
    }

    /** The weights of {@link #padWindows}: the added windows weigh 1. */
    public static float[] padWeights(float[] weights, int windowLength, int windows) {
        float[] out = java.util.Arrays.copyOf(weights, windows * windowLength);
        java.util.Arrays.fill(out, weights.length, out.length, 1f);
        return out;
    }
}
