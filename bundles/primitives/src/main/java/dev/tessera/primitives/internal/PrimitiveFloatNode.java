package dev.tessera.primitives.internal;

import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import org.osgi.service.component.annotations.Component;

/** ComfyUI's PrimitiveFloat: a FLOAT in [-sys.maxsize, sys.maxsize], step 0.1. */
@Component(service = NodeType.class)
public final class PrimitiveFloatNode extends PrimitiveNode {

    /** Python's {@code sys.maxsize} as a float, the bound ComfyUI gives. */
    static final double LIMIT = (double) Long.MAX_VALUE;

    public PrimitiveFloatNode() {
        // ComfyUI sets no "round"; its editor then rounds to the step's precision, so round = step here.
        super("PrimitiveFloat", "Float", InputSpec.decimal(VALUE, 0.0, -LIMIT, LIMIT, 0.1, 0.1), Number.class);
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        return NodeResult.of(inputs.getFloat(VALUE)); // as double, however the host boxed it
    }
}
