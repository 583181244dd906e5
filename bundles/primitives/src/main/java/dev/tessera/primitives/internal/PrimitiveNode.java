package dev.tessera.primitives.internal;

import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;

/**
 * What the five primitive nodes of ComfyUI's {@code comfy_extras/nodes_primitive.py} share: one widget input
 * {@code value}, passed on unchanged as the one output of the same type.
 */
abstract class PrimitiveNode implements NodeType {

    static final String CATEGORY = "utils/primitive";
    static final String VALUE = "value";

    private final NodeDescriptor descriptor;
    private final Class<?> valueClass;

    PrimitiveNode(String typeId, String displayName, InputSpec value, Class<?> valueClass) {
        ValueType type = value.type();
        this.descriptor = NodeDescriptor.builder(typeId)
                .displayName(displayName)
                .category(CATEGORY)
                .input(value)
                .output(type.name(), type)
                .build();
        this.valueClass = valueClass;
    }

    @Override
    public NodeDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        return NodeResult.of(inputs.get(VALUE, valueClass));
    }
}
