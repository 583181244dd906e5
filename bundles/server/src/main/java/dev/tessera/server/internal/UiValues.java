package dev.tessera.server.internal;

import dev.tessera.graph.api.ImageRef;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns what nodes put in their {@code ui} results ({@link ImageRef}s, numbers, strings, nested maps and lists)
 * into JSON-ready values, in the shapes ComfyUI clients read ({@code {filename, subfolder, type}} per image).
 */
public final class UiValues {

    private UiValues() {
    }

    /** A node's ui map, e.g. {@code images -> [{filename, subfolder, type}]}. */
    public static Map<String, Object> ui(Map<String, ? extends List<?>> ui) {
        Map<String, Object> out = new LinkedHashMap<>();
        ui.forEach((key, items) -> out.put(key, value(items)));
        return out;
    }

    /** Per node id, its ui map (the history's {@code outputs}). */
    public static Map<String, Object> outputs(Map<String, ? extends Map<String, ? extends List<?>>> outputs) {
        Map<String, Object> out = new LinkedHashMap<>();
        outputs.forEach((node, ui) -> out.put(node, ui(ui)));
        return out;
    }

    static Object value(Object v) {
        if (v == null || v instanceof String || v instanceof Boolean) return v;
        if (v instanceof Number n) return finite(n);
        if (v instanceof ImageRef ref) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("filename", ref.filename());
            m.put("subfolder", ref.subfolder());
            m.put("type", ref.type());
            return m;
        }
        if (v instanceof Map<?, ?> map) {
            Map<String, Object> m = new LinkedHashMap<>();
            map.forEach((k, x) -> m.put(String.valueOf(k), value(x)));
            return m;
        }
        if (v instanceof Collection<?> c) {
            List<Object> l = new ArrayList<>(c.size());
            c.forEach(x -> l.add(value(x)));
            return l;
        }
        if (v instanceof Enum<?> e) return e.name();
        // Anything else (a tensor, a model handle) is not meant for the client: show what it is, not its content.
        return String.valueOf(v);
    }

    /** JSON has no NaN or infinity. */
    private static Object finite(Number n) {
        if (n instanceof Double d && !Double.isFinite(d)) return null;
        if (n instanceof Float f && !Float.isFinite(f)) return null;
        return n;
    }
}
