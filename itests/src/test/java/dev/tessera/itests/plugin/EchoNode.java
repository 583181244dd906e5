package dev.tessera.itests.plugin;

import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import java.util.List;

/**
 * A node type shipped in a plugin bundle that the test writes into the plugins folder: an output node showing its
 * text. Depends on the node contract and java.* only, and has no nested classes, so its one class file makes the
 * bundle.
 */
public final class EchoNode implements NodeType {

    private final NodeDescriptor descriptor = NodeDescriptor.builder("ItestEcho")
            .category("testing")
            .input(InputSpec.string("text", "", false))
            .outputNode(true)
            .build();

    @Override
    public NodeDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        return NodeResult.of().withUi("text", List.of(inputs.getString("text")));
    }
}
