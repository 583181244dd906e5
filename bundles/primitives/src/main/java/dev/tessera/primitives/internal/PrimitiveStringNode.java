package dev.tessera.primitives.internal;

import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeType;
import org.osgi.service.component.annotations.Component;

/** ComfyUI's PrimitiveString: a single-line STRING. */
@Component(service = NodeType.class)
public final class PrimitiveStringNode extends PrimitiveNode {

    public PrimitiveStringNode() {
        super("PrimitiveString", "String", InputSpec.string(VALUE, "", false), String.class);
    }
}
