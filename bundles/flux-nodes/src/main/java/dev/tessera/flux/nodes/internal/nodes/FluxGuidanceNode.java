package dev.tessera.flux.nodes.internal.nodes;

import ai.djl.ndarray.NDManager;
import dev.tessera.model.api.ConditioningCopy;
import dev.tessera.flux.nodes.internal.FluxDiffusionModel;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.model.api.Conditioning;
import dev.tessera.tensor.TensorRuntime;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ComfyUI's FluxGuidance: the conditioning with FLUX's embedded guidance scale set on every entry (the distilled
 * guidance of FLUX.1-dev and Kontext; no second, unconditional pass). The tensors are copied into the new
 * conditioning, which owns them.
 */
@Component(service = NodeType.class)
public final class FluxGuidanceNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("FluxGuidance")
            .displayName("FluxGuidance")
            .category("advanced/conditioning/flux")
            .input(InputSpec.link("conditioning", ValueType.CONDITIONING))
            .input(InputSpec.decimal("guidance", 3.5, 0.0, 100.0, 0.1, 0.01))
            .output("CONDITIONING", ValueType.CONDITIONING)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public FluxGuidanceNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        Conditioning conditioning = inputs.get("conditioning", Conditioning.class);
        double guidance = inputs.getFloat("guidance");
        NDManager owner = tensors.newManager("FluxGuidance " + context.nodeId());
        try {
            return NodeResult.of(ConditioningCopy.of(conditioning, owner, extras -> {
                extras.put(FluxDiffusionModel.GUIDANCE, guidance);
                return extras;
            }));
        } catch (RuntimeException e) {
            owner.close();
            throw e;
        }
    }
}
