package dev.tessera.models.dit;

/**
 * Which boolean attention mask each block uses: a patch (ContextGen's CLA/ICA assignment, a regional prompt)
 * supplies one. A mask is over the whole attention sequence, [text tokens, then every image token] in the order
 * the model is given them; null means unmasked attention in that block.
 */
@FunctionalInterface
public interface BlockMasks {

    /** The mask of block {@code index} (0-based within its kind), or null for none. */
    AttentionMask mask(BlockKind kind, int index);

    /** No mask in any block. */
    static BlockMasks none() {
        return (kind, index) -> null;
    }

    /** The same mask in every block. */
    static BlockMasks everywhere(AttentionMask mask) {
        return (kind, index) -> mask;
    }
}
