package dev.tessera.model.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Set;

/**
 * The parameters of one model component as a {@link WeightPatch} sees them: the base's, with the replacements of
 * the patches before it already applied. Names are canonical for the component: diffusers' for a UNet
 * ({@code down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.weight}), transformers' without the
 * {@code text_model.} prefix for a CLIP text encoder ({@code encoder.layers.0.self_attn.q_proj.weight}).
 */
public interface ParameterView {

    /** Which component: {@code unet} or {@code text_encoder} (later also e.g. {@code transformer}). */
    String component();

    /** Every parameter name of the component. */
    Set<String> names();

    /**
     * The shape of {@code name}.
     *
     * @throws IllegalArgumentException if the component has no such parameter
     */
    Shape shape(String name);

    /**
     * The current value of {@code name}, on the compute device in the compute dtype. Read only: never close or
     * modify it (it is shared with the base model and other handles).
     *
     * @throws IllegalArgumentException if the component has no such parameter
     */
    NDArray get(String name);

    /** The dtype parameters are computed in (replacements must have it). */
    DataType dataType();
}
