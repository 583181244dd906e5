package dev.tessera.models.dit;

/** The two kinds of transformer block of a FLUX DiT. */
public enum BlockKind {
    /** Double-stream (joint) blocks: separate text and image weights, joint attention. diffusers' transformer_blocks. */
    DOUBLE,
    /** Single-stream blocks over the concatenated sequence. diffusers' single_transformer_blocks. */
    SINGLE
}
