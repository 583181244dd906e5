package dev.tessera.diffusion.nodes.internal.nodes;

import dev.tessera.diffusion.nodes.internal.CustomSampling;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.DiffusionModel;
import org.osgi.service.component.annotations.Component;

/**
 * ComfyUI's BasicGuider: the model on one conditioning, without classifier-free guidance (KSampler at cfg 1). FLUX
 * dev takes its guidance from the conditioning (FluxGuidance).
 */
@Component(service = NodeType.class)
public final class BasicGuiderNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("BasicGuider")
            .displayName("Basic Guider")
            .category("sampling/guiders")
            .input(InputSpec.link("model", ValueType.MODEL))
            .input(InputSpec.link("conditioning", ValueType.CONDITIONING))
            .output("GUIDER", SamplerNodes.GUIDER)
            .build();

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        return NodeResult.of(CustomSampling.Guider.basic(inputs.get("model", DiffusionModel.class),
                inputs.get("conditioning", Conditioning.class)));
    }
}

