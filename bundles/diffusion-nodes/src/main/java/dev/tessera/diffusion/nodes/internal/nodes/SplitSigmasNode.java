package dev.tessera.diffusion.nodes.internal.nodes;

import dev.tessera.diffusion.nodes.internal.CustomSampling;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import org.osgi.service.component.annotations.Component;

/**
 * ComfyUI's SplitSigmas: {@code sigmas[:step + 1]} (the first {@code step} steps) and {@code sigmas[step:]} (the
 * rest), so two samplers can share one schedule. A part without a step samples nothing.
 */
@Component(service = NodeType.class)
public final class SplitSigmasNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("SplitSigmas")
            .displayName("SplitSigmas")
            .category("sampling/sigmas")
            .input(InputSpec.link("sigmas", SamplerNodes.SIGMAS))
            .input(InputSpec.integer("step", 0, 0, 10000, 1))
            .output("high_sigmas", SamplerNodes.SIGMAS)
            .output("low_sigmas", SamplerNodes.SIGMAS)
            .build();

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        CustomSampling.Sigmas sigmas = inputs.get("sigmas", CustomSampling.Sigmas.class);
        int step = (int) Math.min(Math.max(inputs.getInt("step"), 0), Integer.MAX_VALUE);
        return NodeResult.of(sigmas.high(step), sigmas.low(step));
    }
}

