package dev.tessera.models.sd.internal;

/** How a UNet level's Transformer2DModels are built: heads, blocks per transformer, context width, projection. */
public record CrossAttentionSpec(int heads, int depth, long contextDim, boolean linearProjection) {
}
