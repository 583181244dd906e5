package dev.tessera.models.dit;

import dev.tessera.model.api.DiffusionModel;

/**
 * A FLUX MODEL handle, as other bundles see it: what a patch builder needs to know about the transformer (block
 * counts for per-block masks, widths) without loading anything.
 */
public interface FluxModel extends DiffusionModel {

    /** The transformer's configuration (blocks, heads, widths, whether guidance is embedded). */
    FluxTransformerConfig transformerConfig();
}
