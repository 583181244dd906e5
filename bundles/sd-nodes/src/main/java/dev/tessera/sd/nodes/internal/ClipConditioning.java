package dev.tessera.sd.nodes.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.sd.CLIPTextModel;
import dev.tessera.models.sd.CLIPTextOutput;
import dev.tessera.tensor.TensorScope;

/**
 * Token windows to SD1.x conditioning as ComfyUI's {@code SDClipModel} with {@code ClipTokenWeightEncoder} computes
 * it: all windows (and, when weighted, the empty window) in one batch; the output of layer {@code lastLayer}
 * (-1: the final layer; earlier layers then pass through the final layer norm, ComfyUI's
 * {@code layer_norm_hidden_state}); {@code z = (z - z_empty) * w + z_empty} where a token's weight differs from
 * 1; the windows concatenated along tokens; the pooled output of the first window.
 */
final class ClipConditioning {

    private ClipConditioning() {}

    /**
     * @param ids {@code windows x length} token ids, window after window
     * @param weights one per id
     * @param emptyWindow the empty prompt's window, encoded as the reference point when any weight is not 1
     * @return {@code [cond [1, windows * length, dim], pooled [1, dim]]} on {@code manager}
     */
    static NDList encode(CLIPTextModel model, long[] ids, float[] weights, int windows, long[] emptyWindow,
            int lastLayer, NDManager manager) {
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
        NDList result = TensorScope.keepAll(() -> {
            CLIPTextOutput out = model.forward(tokens);
            NDArray z = switch (lastLayer) {
                case -1 -> out.lastHiddenState();
                case -2 -> model.finalLayerNorm(out.penultimateHiddenState());
                default -> model.finalLayerNorm(model.hiddenState(tokens, lastLayer));
            };
            NDArray pooled = out.pooledOutput().get(new NDIndex("0:1"));
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
}
