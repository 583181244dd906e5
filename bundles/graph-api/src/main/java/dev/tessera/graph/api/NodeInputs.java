package dev.tessera.graph.api;

import java.util.Optional;
import java.util.Set;

/**
 * The resolved inputs of one node execution: literals already converted to the declared widget type
 * (INT as {@code long}, FLOAT as {@code double}, STRING and COMBO as {@code String}, BOOLEAN as {@code boolean}),
 * and linked values as the upstream node produced them. Widget inputs left out of a workflow hold their default.
 */
public interface NodeInputs {

    /** The names of the inputs present (given, linked, or defaulted). */
    Set<String> names();

    boolean has(String name);

    /**
     * The value of a present input as {@code type}.
     *
     * @throws NodeException of type {@code required_input_missing} if absent, or {@code return_type_mismatch}
     *                       if the value is not a {@code type}
     */
    <T> T get(String name, Class<T> type);

    default <T> Optional<T> optional(String name, Class<T> type) {
        return has(name) ? Optional.of(get(name, type)) : Optional.empty();
    }

    default long getInt(String name) {
        return get(name, Number.class).longValue();
    }

    default double getFloat(String name) {
        return get(name, Number.class).doubleValue();
    }

    default String getString(String name) {
        return get(name, String.class);
    }

    default boolean getBoolean(String name) {
        return get(name, Boolean.class);
    }
}
