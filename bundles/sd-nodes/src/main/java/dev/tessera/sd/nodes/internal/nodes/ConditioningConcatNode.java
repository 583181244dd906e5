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
 * ComfyUI's ConditioningConcat: {@code conditioning_from}'s tokens appended to each entry of {@code conditioning_to},
 * one longer prompt the model attends to at once (unlike ConditioningCombine, which averages two predictions).
 */
@Component(service = NodeType.class)
public final class ConditioningConcatNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("ConditioningConcat")
            .displayName("Conditioning (Concat)")
            .category("conditioning")
            .input(InputSpec.link("conditioning_to", ValueType.CONDITIONING))
            .input(InputSpec.link("conditioning_from", ValueType.CONDITIONING))
            .output("CONDITIONING", ValueType.CONDITIONING)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public ConditioningConcatNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        return ConditioningNodes.owned(tensors, "ConditioningConcat", context, owner ->
                ConditioningCopy.concatenated(inputs.get("conditioning_to", Conditioning.class),
                    inputs.get("conditioning_from", Conditioning.class), owner));
    }
}
