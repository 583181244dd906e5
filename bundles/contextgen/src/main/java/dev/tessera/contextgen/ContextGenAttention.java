package dev.tessera.contextgen;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.models.dit.BlockKind;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a DiT patch consumes to run ContextGen: the sequence (segment lengths and position ids) and, per block, the
 * boolean attention mask {@code [L, L]} (true = may attend, order text then image tokens, as FLUX's joint attention
 * concatenates them). Immutable; tensors are made by {@link #masks(NDManager)} and {@link #positionIds}.
 */
public record ContextGenAttention(ContextGenSequence sequence, BlockAssignment assignment) {

    public ContextGenAttention {
        Objects.requireNonNull(sequence, "sequence");
        Objects.requireNonNull(assignment, "assignment");
    }

    /** Position ids {@code [L, 3]} of {@code dtype} on {@code manager}'s device. */
    public NDArray positionIds(NDManager manager, DataType dtype) {
        return sequence.positionIds(manager, dtype);
    }

    /** {@code [text, main, layout, ref 0, ...]} token counts. */
    public int[] segmentLengths() {
        return sequence.segmentLengths();
    }

    /** The per-block masks in a sub-manager of {@code parent}; each distinct mask is built once, on first use. */
    public BlockMasks masks(NDManager parent) {
        return new BlockMasks(sequence, assignment, parent.newSubManager());
    }

    /** Per-block boolean masks on one device; closing frees them. Not thread-safe. */
    public static final class BlockMasks implements AutoCloseable {

        private final ContextGenSequence sequence;
        private final BlockAssignment assignment;
        private final NDManager manager;
        private final Map<ContextGenMask, NDArray> built = new EnumMap<>(ContextGenMask.class);

        private BlockMasks(ContextGenSequence sequence, BlockAssignment assignment, NDManager manager) {
            this.sequence = sequence;
            this.assignment = assignment;
            this.manager = manager;
        }

        /** The mask of block {@code index} of stack {@code kind}: BOOLEAN {@code [L, L]}, owned by this object. */
        public NDArray forBlock(BlockKind kind, int index) {
            return forMode(assignment.mode(kind, index));
        }

        public NDArray forMode(ContextGenMask mode) {
            return built.computeIfAbsent(mode, m -> sequence.mask(m, manager));
        }

        @Override
        public void close() {
            built.clear();
            manager.close();
        }
    }
}
