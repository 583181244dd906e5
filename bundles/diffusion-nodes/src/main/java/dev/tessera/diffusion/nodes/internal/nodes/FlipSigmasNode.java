package dev.tessera.diffusion.nodes.internal.nodes;

import dev.tessera.diffusion.nodes.internal.CustomSampling;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.model.api.DiffusionModel;
import dev.tessera.sampling.comfy.ComfySigmas;
import org.osgi.service.component.annotations.Component;

/** ComfyUI's FlipSigmas: the sigmas in reverse order, a first sigma of 0 made 0.0001 (sampling back towards noise). */
@Component(service = NodeType.class)
public final class FlipSigmasNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("FlipSigmas")
            .displayName("FlipSigmas")
            .category("sampling/sigmas")
            .input(InputSpec.link("sigmas", SamplerNodes.SIGMAS))
            .output("SIGMAS", SamplerNodes.SIGMAS)
            .build();

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        return NodeResult.of(inputs.get("sigmas", CustomSampling.Sigmas.class).flipped());
    }
}
