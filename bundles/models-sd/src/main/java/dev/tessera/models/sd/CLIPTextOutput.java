package dev.tessera.models.sd;

import ai.djl.ndarray.NDArray;

/**
 * The text encoder's outputs.
 *
 * @param lastHiddenState        [B, L, hidden], after the final layer norm
 * @param penultimateHiddenState [B, L, hidden], hidden_states[-2]: the input of the last layer, not normalised
 * @param pooledOutput           [B, hidden], lastHiddenState at each sequence's end token
 * @param textEmbeds             [B, projection_dim], pooledOutput through the text_projection, or null for a model
 *                               without one
 */
public record CLIPTextOutput(NDArray lastHiddenState, NDArray penultimateHiddenState, NDArray pooledOutput,
        NDArray textEmbeds) {

    public void close() {
        lastHiddenState.close();
        penultimateHiddenState.close();
        pooledOutput.close();
        if (textEmbeds != null) {
            textEmbeds.close();
        }
    }
}
