package dev.tessera.graph.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** The value of one input in a workflow: a literal, or a link to an output of another node. */
public sealed interface InputValue {

    /**
     * A literal as JSON gave it: {@code String}, {@code Boolean}, {@code Long} (a number with an integral value
     * that fits), {@code BigInteger} (a whole number above that, up to 2^64-1; not inside maps),
     * {@code Double} (any other number), an unmodifiable {@code Map<String, Object>} (a JSON object
     * of such values, nested arrays as {@code List}), or null (JSON {@code null}). A top-level array is always a
     * {@link Link}, as in ComfyUI.
     */
    record Literal(Object value) implements InputValue {
        public Literal {
            if (value instanceof Map<?, ?> map) {
                value = Collections.unmodifiableMap(new LinkedHashMap<>(map));
            } else if (value != null && !(value instanceof String || value instanceof Boolean
                    || value instanceof Long || value instanceof Double || value instanceof java.math.BigInteger)) {
                throw new IllegalArgumentException("unsupported literal " + value.getClass().getName());
            }
        }
    }

    /** ComfyUI's {@code [node_id, output_index]}. */
    record Link(String nodeId, int outputIndex) implements InputValue {
        public Link {
            Objects.requireNonNull(nodeId, "nodeId");
        }
    }
}
