package dev.tessera.graph.engine.internal;

import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The inputs one node gets: converted literals, defaults and linked values. Errors name the node and the input.
 * A link whose upstream output produced null counts as absent, with a message saying which output it was.
 */
final class ResolvedInputs implements NodeInputs {

    private final String nodeId;
    private final String classType;
    private final Map<String, Object> values;
    private final Map<String, String> emptyLinks;

    /**
     * @param values     input name to value, in declaration order; null values count as absent
     * @param emptyLinks input name to a description of the link that produced null
     */
    ResolvedInputs(String nodeId, String classType, Map<String, Object> values, Map<String, String> emptyLinks) {
        this.nodeId = nodeId;
        this.classType = classType;
        Map<String, Object> present = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (v != null) present.put(k, v);
        });
        this.values = Collections.unmodifiableMap(present);
        this.emptyLinks = Map.copyOf(emptyLinks);
    }

    static ResolvedInputs of(String nodeId, String classType, Map<String, Object> values) {
        return new ResolvedInputs(nodeId, classType, values, Map.of());
    }

    Map<String, Object> values() {
        return values;
    }

    @Override
    public Set<String> names() {
        return values.keySet();
    }

    @Override
    public boolean has(String name) {
        return values.containsKey(name);
    }

    @Override
    public <T> T get(String name, Class<T> type) {
        Object value = values.get(name);
        if (value == null) {
            String why = emptyLinks.containsKey(name)
                    ? "is linked to " + emptyLinks.get(name) + ", which produced no value"
                    : "was not given and has no default";
            throw new NodeException("required_input_missing", name, where(name) + " " + why);
        }
        Class<?> boxed = box(type);
        if (!boxed.isInstance(value)) {
            throw new NodeException("return_type_mismatch", name, where(name) + " holds a "
                    + value.getClass().getName() + ", the node asked for a " + type.getName());
        }
        @SuppressWarnings("unchecked")
        T t = (T) boxed.cast(value);
        return t;
    }

    private String where(String name) {
        return "node " + nodeId + " (" + classType + ") input '" + name + "'";
    }

    private static Class<?> box(Class<?> type) {
        if (!type.isPrimitive()) return type;
        if (type == long.class) return Long.class;
        if (type == int.class) return Integer.class;
        if (type == double.class) return Double.class;
        if (type == float.class) return Float.class;
        if (type == boolean.class) return Boolean.class;
        if (type == short.class) return Short.class;
        if (type == byte.class) return Byte.class;
        if (type == char.class) return Character.class;
        return Void.class;
    }

    @Override
    public String toString() {
        return "inputs of node " + nodeId + " (" + classType + "): " + values.keySet();
    }
}
