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
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ComfyUI's ConditioningCombine: the entries of both conditionings in one; the sampler takes their
 * strength-weighted mean (or places each on its area).
 */
@Component(service = NodeType.class)
public final class ConditioningCombineNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("ConditioningCombine")
            .displayName("Conditioning (Combine)")
            .category("conditioning")
            .input(InputSpec.link("conditioning_1", ValueType.CONDITIONING))
            .input(InputSpec.link("conditioning_2", ValueType.CONDITIONING))
            .output("CONDITIONING", ValueType.CONDITIONING)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public ConditioningCombineNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        return ConditioningNodes.owned(tensors, "ConditioningCombine", context, owner ->
                ConditioningCopy.combined(List.of(
                    inputs.get("conditioning_1", Conditioning.class),
                    inputs.get("conditioning_2", Conditioning.class)), owner));
    }
}
