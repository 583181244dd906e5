package dev.tessera.primitives.internal;

import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeType;
import org.osgi.service.component.annotations.Component;

/** ComfyUI's PrimitiveBoolean: a BOOLEAN toggle. */
@Component(service = NodeType.class)
public final class PrimitiveBooleanNode extends PrimitiveNode {

    public PrimitiveBooleanNode() {
        super("PrimitiveBoolean", "Boolean", InputSpec.bool(VALUE, false), Boolean.class);
    }
}
