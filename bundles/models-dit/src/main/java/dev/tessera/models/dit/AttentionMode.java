package dev.tessera.models.dit;

/** How {@link MaskedAttention} computes masked attention; every mode gives the same result up to rounding. */
public enum AttentionMode {
    /** The skipping path when the mask's plan makes it cheaper (few distinct rows, much masked), else dense. */
    AUTO,
    /** Full score matrix with -inf added where the mask forbids. */
    DENSE,
    /** Query rows grouped by identical mask rows, each group attending over only its allowed keys. */
    SKIP
}
