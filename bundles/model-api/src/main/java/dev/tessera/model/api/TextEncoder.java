package dev.tessera.model.api;

import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * ComfyUI's CLIP: an immutable handle on a tokenizer and text encoder, the layer whose output conditions the model
 * (ComfyUI's CLIP skip), and weight patches (a LoRA's text-encoder part).
 */
public interface TextEncoder extends AutoCloseable {

    /** The model family this encoder conditions, e.g. {@code sd1}. */
    String family();

    /** Number of transformer layers. */
    int layerCount();

    /** The layer whose output is used, counted from the end: -1 the last (ComfyUI's {@code stop_at_clip_layer}). */
    int lastLayer();

    /**
     * A new handle using layer {@code layer} (-1 = last, -2 = the one before, ...).
     *
     * @throws IllegalArgumentException if {@code layer} is not in {@code -layerCount()..-1}
     */
    TextEncoder withLastLayer(int layer);

    /** The patches of this handle, in the order they apply. */
    List<ModelPatch> patches();

    /**
     * A new handle with {@code patch} applied after this handle's patches.
     *
     * @throws IllegalArgumentException if the patch is not a {@link WeightPatch}
     */
    TextEncoder withPatch(ModelPatch patch);

    /**
     * Encodes a prompt with ComfyUI's weighting syntax ({@code (word:1.2)}), window by window.
     *
     * @param owner the manager the result takes ownership of (closing the conditioning closes it)
     * @throws IllegalArgumentException if the prompt cannot be tokenized (the message says why)
     */
    Conditioning encode(String text, NDManager owner);

    @Override
    void close();
}
