package dev.tessera.graph.engine.internal;

import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.engine.InputValue;
import dev.tessera.graph.engine.WorkflowNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A node that passed validation, ready to run: its type, its widget values converted (absent optional ones
 * defaulted), and its links, both limited to the inputs the type declares.
 */
record PreparedNode(WorkflowNode node, RegisteredType type, Map<String, Object> widgetValues,
        Map<String, InputValue.Link> links) {

    PreparedNode {
        widgetValues = Collections.unmodifiableMap(new LinkedHashMap<>(widgetValues));
        links = Collections.unmodifiableMap(new LinkedHashMap<>(links));
    }

    String id() {
        return node.id();
    }

    String classType() {
        return node.classType();
    }

    ResolvedInputs widgetInputs() {
        return ResolvedInputs.of(id(), classType(), widgetValues);
    }

    boolean declares(String input) {
        return type.descriptor().inputs().stream().map(InputSpec::name).anyMatch(input::equals);
    }
}
