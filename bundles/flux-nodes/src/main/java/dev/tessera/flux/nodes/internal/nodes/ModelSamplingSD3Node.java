package dev.tessera.flux.nodes.internal.nodes;

import dev.tessera.flux.nodes.internal.FlowShiftPatch;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.model.api.DiffusionModel;
import dev.tessera.sampling.FlowShift;
import org.osgi.service.component.annotations.Component;

/**
 * ComfyUI's ModelSamplingSD3: sets a flow model's time shift to SD3's linear one, {@code sigma = shift * t /
 * (1 + (shift - 1) * t)} over a 1000-entry table (ComfyUI's ModelSamplingDiscreteFlow with multiplier 1000). SD3
 * models use 3.0 without it.
 */
@Component(service = NodeType.class)
public final class ModelSamplingSD3Node implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("ModelSamplingSD3")
            .displayName("ModelSamplingSD3")
            .category("advanced/model")
            .input(InputSpec.link("model", ValueType.MODEL))
            .input(InputSpec.decimal("shift", 3.0, 0.0, 100.0, 0.01, 0.01))
            .output("MODEL", ValueType.MODEL)
            .build();

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        DiffusionModel model = inputs.get("model", DiffusionModel.class);
        double shift = inputs.getFloat("shift");
        if (!(shift > 0)) {
            throw NodeException.invalidInput("shift", "shift is " + shift + "; SD3's time shift must be positive"
                    + " (1 leaves the schedule unshifted)");
        }
        try {
            return NodeResult.of(model.withPatch(new FlowShiftPatch(FlowShift.linear(shift))));
        } catch (IllegalArgumentException e) {
            throw NodeException.invalidInput("model", "ModelSamplingSD3 takes a flow model (SD3, FLUX): "
                    + e.getMessage());
        }
    }
}
