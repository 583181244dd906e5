package dev.tessera.graph.api;

import java.util.Objects;

/**
 * One output of a node type, addressed by its index in the descriptor.
 *
 * @param isList ComfyUI's {@code output_is_list}: the value is a list that downstream nodes take item by item
 */
public record OutputSpec(String name, ValueType type, boolean isList, String tooltip) {
    public OutputSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        tooltip = tooltip == null ? "" : tooltip;
    }

    public static OutputSpec of(String name, ValueType type) {
        return new OutputSpec(name, type, false, "");
    }
}
