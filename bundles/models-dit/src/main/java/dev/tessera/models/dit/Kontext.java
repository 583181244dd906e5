package dev.tessera.models.dit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.tessera.tensor.TensorScope;
import java.util.List;

/**
 * FLUX.1-Kontext conditioning: packed context images (an image to edit, ContextGen's layout image and references)
 * are appended after the noise tokens with position index 1, and only the noise tokens' output goes on, as
 * diffusers' FluxKontextPipeline does. Several context images sit side by side in position space: each starts at
 * the row and column just past all earlier ones (cumulative offsets), so no two share a position.
 */
public final class Kontext {

    /** Position index of the tokens being generated. */
    public static final int NOISE_INDEX = 0;
    /** Position index of context tokens. */
    public static final int CONTEXT_INDEX = 1;

    private Kontext() {
    }

    /**
     * Position ids [rows x cols, 3] float32 of a token grid in row-major order: (index, rowOffset + i,
     * colOffset + j).
     */
    public static NDArray gridIds(NDManager manager, int index, int rows, int cols, int rowOffset, int colOffset) {
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("token grid must be at least 1 x 1, got " + rows + " x " + cols);
        }
        float[] ids = new float[rows * cols * 3];
        int at = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                ids[at++] = index;
                ids[at++] = rowOffset + i;
                ids[at++] = colOffset + j;
            }
        }
        return manager.create(ids, new Shape((long) rows * cols, 3));
    }

    /**
     * Position ids of context grids {rows, cols}, in order, concatenated: index 1, each grid offset by the sum of
     * the heights and the sum of the widths of the grids before it.
     */
    public static NDArray contextIds(NDManager manager, List<int[]> grids) {
        if (grids.isEmpty()) {
            throw new IllegalArgumentException("at least one context grid is needed");
        }
        return TensorScope.keep(() -> {
            NDArray all = null;
            int rowOffset = 0;
            int colOffset = 0;
            for (int[] grid : grids) {
                NDArray ids = gridIds(manager, CONTEXT_INDEX, grid[0], grid[1], rowOffset, colOffset);
                all = all == null ? ids : all.concat(ids, 0);
                rowOffset += grid[0];
                colOffset += grid[1];
            }
            return all;
        });
    }

    /**
     * The Kontext forward: {@code noise}'s image tokens followed by {@code contextTokens} [B, M, in] with
     * {@code contextIds} [M, 3], through the model; returns the output of the noise tokens only [B, N, out].
     * Masks, if any, cover [text, noise tokens, context tokens].
     */
    public static NDArray forward(FluxTransformer2DModel model, FluxInput noise, NDArray contextTokens,
            NDArray contextIds, BlockMasks masks, AttentionMode mode) {
        Shape noiseShape = noise.hiddenStates().getShape();
        Shape contextShape = contextTokens.getShape();
        if (contextShape.dimension() != 3 || contextShape.get(0) != noiseShape.get(0)
                || contextShape.get(2) != noiseShape.get(2)) {
            throw new IllegalArgumentException("Kontext context tokens: expected [" + noiseShape.get(0) + ", tokens, "
                    + noiseShape.get(2) + "] like hidden_states, got " + contextShape);
        }
        long noiseTokens = noiseShape.get(1);
        return TensorScope.keep(() -> {
            NDArray tokens = noise.hiddenStates().concat(contextTokens.toType(noise.hiddenStates().getDataType(),
                    false), 1);
            NDArray imgIds = flatIds(noise.imgIds()).concat(flatIds(contextIds).toType(
                    noise.imgIds().getDataType(), false), 0);
            FluxInput joint = new FluxInput(tokens, noise.encoderHiddenStates(), noise.pooledProjections(),
                    noise.timestep(), imgIds, noise.txtIds(), noise.guidance());
            NDArray out = model.forward(joint, masks, mode);
            return out.get(new NDIndex(":, 0:" + noiseTokens));
        });
    }

    /** [tokens, axes] from [tokens, axes] or [1, tokens, axes]. */
    private static NDArray flatIds(NDArray ids) {
        Shape shape = ids.getShape();
        return ids.reshape(-1, shape.get(shape.dimension() - 1));
    }
}
