package dev.tessera.sd.nodes.internal.nodes;

import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.ConditioningCopy;
import dev.tessera.tensor.TensorRuntime;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ComfyUI's ConditioningAverage: each entry of {@code conditioning_to} mixed with {@code conditioning_from}'s
 * embeddings (and pooled outputs) as {@code to * conditioning_to_strength + from * (1 - conditioning_to_strength)}.
 */
@Component(service = NodeType.class)
public final class ConditioningAverageNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("ConditioningAverage")
            .displayName("Conditioning (Average)")
            .category("conditioning")
            .input(InputSpec.link("conditioning_to", ValueType.CONDITIONING))
            .input(InputSpec.link("conditioning_from", ValueType.CONDITIONING))
            .input(InputSpec.decimal("conditioning_to_strength", 1.0, 0.0, 1.0, 0.01, 0.01))
            .output("CONDITIONING", ValueType.CONDITIONING)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public ConditioningAverageNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        return ConditioningNodes.owned(tensors, "ConditioningAverage", context, owner ->
                ConditioningCopy.averaged(inputs.get("conditioning_to", Conditioning.class),
                    inputs.get("conditioning_from", Conditioning.class), inputs.getFloat("conditioning_to_strength"),
                    owner));
    }
}
