package dev.tessera.diffusion.nodes.internal.nodes;

import dev.tessera.diffusion.nodes.internal.CustomSampling;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import org.osgi.service.component.annotations.Component;

/** ComfyUI's DisableNoise: zero initial noise, for a latent that is already noisy (a second sampler). */
@Component(service = NodeType.class)
public final class DisableNoiseNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("DisableNoise")
            .displayName("DisableNoise")
            .category("sampling/noise")
            .output("NOISE", SamplerNodes.NOISE)
            .build();

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        return NodeResult.of(CustomSampling.Noise.disabled());
    }
}

