package dev.tessera.diffusion.nodes.internal.nodes;

import dev.tessera.diffusion.nodes.internal.CustomSampling;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import org.osgi.service.component.annotations.Component;

/** ComfyUI's RandomNoise: the NOISE KSampler draws from {@code noise_seed}. */
@Component(service = NodeType.class)
public final class RandomNoiseNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("RandomNoise")
            .displayName("RandomNoise")
            .category("sampling/noise")
            .input(SamplerNodes.seed("noise_seed"))
            .output("NOISE", SamplerNodes.NOISE)
            .build();

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        return NodeResult.of(CustomSampling.Noise.random(inputs.getInt("noise_seed")));
    }
}

