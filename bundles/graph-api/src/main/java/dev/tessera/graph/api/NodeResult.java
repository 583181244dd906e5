package dev.tessera.graph.api;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one node execution produced: one value per declared output, in order, and what the editor should show for
 * it (ComfyUI's {@code ui} dict, e.g. {@code images -> [ImageRef...]}), which the host sends in its
 * {@code executed} event and keeps in the history.
 */
public final class NodeResult {

    private final List<Object> values;
    private final Map<String, List<?>> ui;

    private NodeResult(List<Object> values, Map<String, List<?>> ui) {
        this.values = values;
        this.ui = ui;
    }

    public static NodeResult of(Object... values) {
        return new NodeResult(Collections.unmodifiableList(Arrays.asList(values.clone())), Map.of());
    }

    /** A copy with one more entry for the editor, e.g. {@code withUi("images", List.of(ref))}. */
    public NodeResult withUi(String key, List<?> items) {
        Map<String, List<?>> copy = new LinkedHashMap<>(ui);
        copy.put(key, List.copyOf(items));
        return new NodeResult(values, Collections.unmodifiableMap(copy));
    }

    public List<Object> values() {
        return values;
    }

    public Object value(int index) {
        return values.get(index);
    }

    public Map<String, List<?>> ui() {
        return ui;
    }
}
