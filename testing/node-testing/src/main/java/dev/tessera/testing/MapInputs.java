package dev.tessera.testing;

import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** A node's inputs from a map, with the checks {@link NodeInputs} promises (missing input, wrong type). */
public final class MapInputs implements NodeInputs {

    private final Map<String, Object> values = new LinkedHashMap<>();

    public MapInputs with(String name, Object value) {
        values.put(name, value);
        return this;
    }

    public MapInputs without(String name) {
        values.remove(name);
        return this;
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
        if (!values.containsKey(name)) {
            throw new NodeException("required_input_missing", name, "missing " + name);
        }
        Object value = values.get(name);
        if (!type.isInstance(value)) {
            throw new NodeException("return_type_mismatch", name, name + " is not a " + type.getSimpleName());
        }
        return type.cast(value);
    }
}
