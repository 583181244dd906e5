package dev.tessera.graph.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One node of a workflow.
 *
 * @param id        the key of the node in the workflow object (ComfyUI's unique id)
 * @param classType the node type id ({@code class_type})
 * @param inputs    the inputs as given, in their JSON order
 * @param title     {@code _meta.title} when given, else null
 */
public record WorkflowNode(String id, String classType, Map<String, InputValue> inputs, String title) {
    public WorkflowNode {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(classType, "classType");
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
    }
}
