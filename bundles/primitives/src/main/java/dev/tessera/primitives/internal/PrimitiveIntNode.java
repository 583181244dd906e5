package dev.tessera.primitives.internal;

import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import org.osgi.service.component.annotations.Component;

/** ComfyUI's PrimitiveInt: an INT in [-sys.maxsize, sys.maxsize]. */
@Component(service = NodeType.class)
public final class PrimitiveIntNode extends PrimitiveNode {

    public PrimitiveIntNode() {
        super("PrimitiveInt", "Int", InputSpec.integer(VALUE, 0, -Long.MAX_VALUE, Long.MAX_VALUE, 1), Number.class);
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        return NodeResult.of(inputs.getInt(VALUE)); // as long, however the host boxed it
    }
}
