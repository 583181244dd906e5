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
 * ComfyUI's ConditioningSetTimestepRange: the entries apply only from {@code start} to {@code end}, fractions of the
 * sampling from the highest noise (0) to the lowest (1); the sampler leaves them out elsewhere (so a prompt can lay
 * out the composition and another fill in the detail).
 */
@Component(service = NodeType.class)
public final class ConditioningSetTimestepRangeNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("ConditioningSetTimestepRange")
            .displayName("ConditioningSetTimestepRange")
            .category("advanced/conditioning")
            .input(InputSpec.link("conditioning", ValueType.CONDITIONING))
            .input(InputSpec.decimal("start", 0.0, 0.0, 1.0, 0.001, 0.001))
            .input(InputSpec.decimal("end", 1.0, 0.0, 1.0, 0.001, 0.001))
            .output("CONDITIONING", ValueType.CONDITIONING)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public ConditioningSetTimestepRangeNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        double start = inputs.getFloat("start");
        double end = inputs.getFloat("end");
        return ConditioningNodes.owned(tensors, "ConditioningSetTimestepRange", context, owner ->
                ConditioningCopy.of(inputs.get("conditioning", Conditioning.class), owner,
                extras -> {
                    extras.put(Conditioning.START_PERCENT, start);
                    extras.put(Conditioning.END_PERCENT, end);
                    return extras;
                }));
    }
}
