package dev.tessera.primitives.internal;

import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeType;
import org.osgi.service.component.annotations.Component;

/** ComfyUI's PrimitiveStringMultiline: a STRING edited in a multi-line box. */
@Component(service = NodeType.class)
public final class PrimitiveStringMultilineNode extends PrimitiveNode {

    public PrimitiveStringMultilineNode() {
        super("PrimitiveStringMultiline", "String (Multiline)", InputSpec.string(VALUE, "", true), String.class);
    }
}
