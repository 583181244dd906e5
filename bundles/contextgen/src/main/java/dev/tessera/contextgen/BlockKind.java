package dev.tessera.contextgen;

/** FLUX's two block stacks. */
public enum BlockKind {
    /** Double-stream (MM-DiT) blocks, 19 in FLUX.1. */
    DOUBLE,
    /** Single-stream blocks, 38 in FLUX.1. */
    SINGLE
}
