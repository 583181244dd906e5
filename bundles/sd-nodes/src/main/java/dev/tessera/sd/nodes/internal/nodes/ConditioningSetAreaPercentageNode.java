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
import dev.tessera.sd.nodes.internal.ConditioningArea;
import dev.tessera.tensor.TensorRuntime;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ComfyUI's ConditioningSetAreaPercentage: ConditioningSetArea with the rectangle in fractions of the canvas,
 * turned into latent cells when sampling. Unlike ConditioningSetArea (sides of at least 64 pixels, as in ComfyUI)
 * it reaches areas down to one cell, which small images need.
 */
@Component(service = NodeType.class)
public final class ConditioningSetAreaPercentageNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("ConditioningSetAreaPercentage")
            .displayName("Conditioning (Set Area with Percentage)")
            .category("conditioning")
            .input(InputSpec.link("conditioning", ValueType.CONDITIONING))
            .input(InputSpec.decimal("width", 1.0, 0.0, 1.0, 0.01, 0.01))
            .input(InputSpec.decimal("height", 1.0, 0.0, 1.0, 0.01, 0.01))
            .input(InputSpec.decimal("x", 0.0, 0.0, 1.0, 0.01, 0.01))
            .input(InputSpec.decimal("y", 0.0, 0.0, 1.0, 0.01, 0.01))
            .input(InputSpec.decimal("strength", 1.0, 0.0, 10.0, 0.01, 0.01))
            .output("CONDITIONING", ValueType.CONDITIONING)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public ConditioningSetAreaPercentageNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        double[] fractions = {inputs.getFloat("height"), inputs.getFloat("width"), inputs.getFloat("y"),
                inputs.getFloat("x")};
        double strength = inputs.getFloat("strength");
        return ConditioningNodes.owned(tensors, "ConditioningSetAreaPercentage", context, owner ->
                ConditioningCopy.of(inputs.get("conditioning", Conditioning.class), owner,
                extras -> {
                    extras.put(ConditioningArea.KEY, fractions);
                    extras.put(Conditioning.STRENGTH, strength);
                    return extras;
                }));
    }
}
