package dev.tessera.diffusion.nodes.internal.nodes;

import dev.tessera.diffusion.nodes.internal.CustomSampling;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import org.osgi.service.component.annotations.Component;

/** ComfyUI's KSamplerSelect: a SAMPLER by {@code sampler_name}, for SamplerCustom(Advanced). */
@Component(service = NodeType.class)
public final class KSamplerSelectNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("KSamplerSelect")
            .displayName("KSamplerSelect")
            .category("sampling/samplers")
            .input(SamplerNodes.samplerName())
            .output("SAMPLER", SamplerNodes.SAMPLER)
            .build();

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        try {
            return NodeResult.of(new CustomSampling.SamplerChoice(inputs.getString("sampler_name")));
        } catch (IllegalArgumentException e) {
            throw NodeException.invalidInput("sampler_name", e.getMessage());
        }
    }
}

