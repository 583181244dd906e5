package dev.tessera.model.api;

import dev.tessera.sampling.ModelStep;
import java.util.List;
import java.util.Objects;

/**
 * Where a {@link ForwardHook} is called: the sampler step, and how the model's batch is made up from the
 * conditioning (each part a run of rows sharing one conditioning entry; with classifier-free guidance the
 * unconditional parts come first).
 *
 * @param step the sampler step, for hooks that switch by step or noise level (a beta(t) schedule)
 * @param parts the rows of the batch, in order
 * @param runCache tensors hooks keep for the whole sampling run (closed by the caller when it ends), or null when
 *     the call is on its own (hooks then derive them on every call)
 */
public record HookContext(ModelStep step, List<BatchPart> parts, RunCache runCache) {

    /** A call without a run cache. */
    public HookContext(ModelStep step, List<BatchPart> parts) {
        this(step, parts, null);
    }

    /**
     * Rows {@code [offset, offset + rows)} of the batch, conditioned on {@code entry}.
     *
     * @param unconditional whether the entry comes from the negative conditioning
     */
    public record BatchPart(int offset, int rows, boolean unconditional, Conditioning.Entry entry) {
        public BatchPart {
            Objects.requireNonNull(entry, "entry");
        }
    }

    public HookContext {
        Objects.requireNonNull(step, "step");
        parts = List.copyOf(parts);
    }

    /** Rows in the whole batch. */
    public int batchSize() {
        return parts.stream().mapToInt(BatchPart::rows).sum();
    }
}
