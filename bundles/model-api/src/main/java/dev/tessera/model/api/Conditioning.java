package dev.tessera.model.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * ComfyUI's CONDITIONING: a list of entries, each the text encoder's output {@code embeddings} {@code [1, tokens,
 * dim]}, an optional pooled output, and a map of extras (ComfyUI's dict beside the tensor: {@code strength}, and
 * whatever a patch needs, e.g. instance embeddings). When a sampler uses several entries without areas, its
 * prediction is their strength-weighted mean, as in ComfyUI.
 *
 * <p>The conditioning owns its manager: closing it frees every tensor of every entry, including tensors held in
 * the extras. A node that combines conditionings must copy the tensors it takes over.
 */
public final class Conditioning implements AutoCloseable {

    /** ComfyUI's extras key for an entry's weight in the mean (default 1). */
    public static final String STRENGTH = "strength";

    /**
     * ComfyUI's extras key for the area an entry conditions: {@code int[] {height, width, y, x}} in latent cells
     * (ConditioningSetArea) or {@code double[]} in fractions of the canvas (ConditioningSetAreaPercentage); absent
     * for the whole canvas.
     */
    public static final String AREA = "area";

    /** ComfyUI's extras key for an entry's mask (ConditioningSetMask): a {@code [1, H, W]} NDArray. */
    public static final String MASK = "mask";

    /**
     * ComfyUI's extras keys of ConditioningSetTimestepRange: the fraction of the sampling, from the highest noise (0)
     * to the lowest (1), over which the entry applies ({@code Double}); outside it the sampler leaves the entry out.
     */
    public static final String START_PERCENT = "start_percent";

    /** See {@link #START_PERCENT}. */
    public static final String END_PERCENT = "end_percent";

    /**
     * One entry.
     *
     * @param embeddings {@code [1 or batch, tokens, dim]}
     * @param pooled the pooled text embedding, or null
     * @param extras further values by name; immutable
     */
    public record Entry(NDArray embeddings, NDArray pooled, Map<String, Object> extras) {
        public Entry {
            Objects.requireNonNull(embeddings, "embeddings");
            if (embeddings.getShape().dimension() != 3) {
                throw new IllegalArgumentException("conditioning embeddings must be [batch, tokens, dim], got "
                        + embeddings.getShape());
            }
            extras = extras == null ? Map.of() : Map.copyOf(extras);
        }

        public Entry(NDArray embeddings, NDArray pooled) {
            this(embeddings, pooled, Map.of());
        }

        /** The entry's weight in the mean over entries ({@link #STRENGTH}, default 1). */
        public double strength() {
            return extras.get(STRENGTH) instanceof Number n ? n.doubleValue() : 1.0;
        }

        /** This entry with one more extra. */
        public Entry withExtra(String key, Object value) {
            Map<String, Object> more = new LinkedHashMap<>(extras);
            more.put(key, value);
            return new Entry(embeddings, pooled, more);
        }
    }

    private final NDManager manager;
    private final List<Entry> entries;

    private Conditioning(NDManager manager, List<Entry> entries) {
        this.manager = manager;
        this.entries = entries;
    }

    /**
     * A conditioning that takes ownership of {@code manager} and moves every entry's tensors (also NDArrays among
     * the extras) into it.
     */
    public static Conditioning owning(NDManager manager, List<Entry> entries) {
        Objects.requireNonNull(manager, "manager");
        List<Entry> copy = List.copyOf(entries);
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("a conditioning needs at least one entry");
        }
        for (Entry entry : copy) {
            entry.embeddings().attach(manager);
            if (entry.pooled() != null) {
                entry.pooled().attach(manager);
            }
            for (Object extra : entry.extras().values()) {
                if (extra instanceof NDArray array) {
                    array.attach(manager);
                }
            }
        }
        return new Conditioning(manager, copy);
    }

    public List<Entry> entries() {
        return entries;
    }

    @Override
    public void close() {
        manager.close();
    }

    @Override
    public String toString() {
        return "Conditioning" + entries.stream().map(e -> e.embeddings().getShape().toString()).toList();
    }
}
