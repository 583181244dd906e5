package dev.tessera.contextgen;

import dev.tessera.models.dit.BlockKind;

/**
 * Which mask each block uses: double-stream blocks use {@code doubleBlocks}; single-stream block {@code i} uses ICA
 * when {@code singleIcaFrom <= i < singleIcaTo}, CLA otherwise. ContextGen's choice ({@link #paper}) is CLA in all
 * double blocks and ICA in single blocks {@code 0 .. n/2 - 1} (blocks 19-37 of FLUX.1's 57: the "middle 19").
 */
public record BlockAssignment(ContextGenMask doubleBlocks, int singleIcaFrom, int singleIcaTo) {

    public BlockAssignment {
        if (doubleBlocks == null) throw new IllegalArgumentException("doubleBlocks is null; expected CLA or ICA");
        if (singleIcaFrom < 0 || singleIcaTo < singleIcaFrom) {
            throw new IllegalArgumentException("single-block ICA range [" + singleIcaFrom + ", " + singleIcaTo
                    + ") is invalid; expected 0 <= from <= to");
        }
    }

    /** ContextGen's assignment for a DiT with {@code singleBlocks} single-stream blocks. */
    public static BlockAssignment paper(int singleBlocks) {
        if (singleBlocks < 0) throw new IllegalArgumentException("singleBlocks is " + singleBlocks + "; expected >= 0");
        return new BlockAssignment(ContextGenMask.CLA, 0, singleBlocks / 2);
    }

    /** CLA everywhere: the layout-only ablation. */
    public static BlockAssignment claOnly() {
        return new BlockAssignment(ContextGenMask.CLA, 0, 0);
    }

    /** The mask of block {@code index} of stack {@code kind}. */
    public ContextGenMask mode(BlockKind kind, int index) {
        if (index < 0) throw new IllegalArgumentException("block index " + index + " is negative");
        if (kind == BlockKind.DOUBLE) return doubleBlocks;
        return index >= singleIcaFrom && index < singleIcaTo ? ContextGenMask.ICA : ContextGenMask.CLA;
    }
}
