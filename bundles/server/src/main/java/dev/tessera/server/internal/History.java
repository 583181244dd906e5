package dev.tessera.server.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finished prompts by id, oldest first, at most {@code capacity} (the oldest go first), each in ComfyUI's shape
 * {@code {prompt: [number, id, prompt, extra_data, outputs_to_execute], outputs, status: {status_str, completed,
 * messages}, meta}}. Thread-safe.
 */
public final class History {

    private final int capacity;
    private final LinkedHashMap<String, Map<String, Object>> entries = new LinkedHashMap<>();

    public History(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be positive: " + capacity);
        this.capacity = capacity;
    }

    public synchronized void put(String promptId, Map<String, Object> entry) {
        entries.remove(promptId); // a re-used id moves to the end
        entries.put(promptId, entry);
        while (entries.size() > capacity) {
            entries.remove(entries.keySet().iterator().next());
        }
    }

    /** {@code {id: entry}}, or {@code {}} for an id not (or no longer) in the history. */
    public synchronized Map<String, Object> get(String promptId) {
        Map<String, Object> entry = entries.get(promptId);
        return entry == null ? Map.of() : Map.of(promptId, entry);
    }

    /**
     * ComfyUI's {@code GET /history?max_items&offset}: entries from {@code offset} (counted from the oldest), at
     * most {@code maxItems}; without an offset, the newest {@code maxItems}.
     *
     * @param maxItems null for all
     * @param offset   null for ComfyUI's default (-1)
     */
    public synchronized Map<String, Object> list(Integer maxItems, Integer offset) {
        int start = offset == null ? -1 : offset;
        if (start < 0 && maxItems != null) start = entries.size() - maxItems;
        start = Math.max(0, start);
        Map<String, Object> out = new LinkedHashMap<>();
        int i = 0;
        for (Map.Entry<String, Map<String, Object>> e : entries.entrySet()) {
            if (maxItems != null && out.size() >= maxItems) break;
            if (i++ >= start) out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    public synchronized void clear() {
        entries.clear();
    }

    public synchronized void delete(Collection<String> ids) {
        ids.forEach(entries::remove);
    }

    public synchronized List<String> ids() {
        return new ArrayList<>(entries.keySet());
    }
}
