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
 * @param lastLayerOutput        [B, L, hidden], hidden_states[-1]: the last layer's output before the final layer
 *                               norm (ComfyUI's layer -1 for encoders with {@code layer_norm_hidden_state=False}),
 *                               or null when the producer did not keep it
 */
public record CLIPTextOutput(NDArray lastHiddenState, NDArray penultimateHiddenState, NDArray pooledOutput,
        NDArray textEmbeds, NDArray lastLayerOutput) {

    /** The outputs without the last layer's un-normed output (null). */
    public CLIPTextOutput(NDArray lastHiddenState, NDArray penultimateHiddenState, NDArray pooledOutput,
            NDArray textEmbeds) {
        this(lastHiddenState, penultimateHiddenState, pooledOutput, textEmbeds, null);
    }

    public void close() {
        lastHiddenState.close();
        penultimateHiddenState.close();
        pooledOutput.close();
        if (lastLayerOutput != null) {
            lastLayerOutput.close();
        }
        if (textEmbeds != null) {
            textEmbeds.close();
        }
    }
}
