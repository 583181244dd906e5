package dev.tessera.graph.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed workflow in ComfyUI's API format; immutable.
 *
 * @param nodes the nodes by id, in the order the JSON gave them
 * @param json  the workflow as JSON text, which output nodes embed (SaveImage's {@code prompt} chunk)
 */
public record Workflow(Map<String, WorkflowNode> nodes, String json) {
    public Workflow {
        Objects.requireNonNull(json, "json");
        nodes = Collections.unmodifiableMap(new LinkedHashMap<>(nodes));
        for (Map.Entry<String, WorkflowNode> e : nodes.entrySet()) {
            if (!e.getKey().equals(e.getValue().id())) {
                throw new IllegalArgumentException("node keyed '" + e.getKey() + "' has id '" + e.getValue().id() + "'");
            }
        }
    }

    public Optional<WorkflowNode> node(String id) {
        return Optional.ofNullable(nodes.get(id));
    }
}
