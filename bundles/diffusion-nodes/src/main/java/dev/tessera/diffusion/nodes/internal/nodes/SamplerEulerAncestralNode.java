package dev.tessera.diffusion.nodes.internal.nodes;

import dev.tessera.diffusion.nodes.internal.CustomSampling;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import org.osgi.service.component.annotations.Component;

/**
 * ComfyUI's SamplerEulerAncestral: {@code euler_ancestral} with k-diffusion's {@code eta} (how much of each step is
 * re-injected as fresh noise; 0 is Euler) and {@code s_noise} (the scale of that noise). Diffusion models only, as
 * KSampler's {@code euler_ancestral}.
 */
@Component(service = NodeType.class)
public final class SamplerEulerAncestralNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("SamplerEulerAncestral")
            .displayName("SamplerEulerAncestral")
            .category("sampling/samplers")
            .input(InputSpec.decimal("eta", 1.0, 0.0, 100.0, 0.01, 0.0))
            .input(InputSpec.decimal("s_noise", 1.0, 0.0, 100.0, 0.01, 0.0))
            .output("SAMPLER", SamplerNodes.SAMPLER)
            .build();

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        return NodeResult.of(new CustomSampling.SamplerChoice("euler_ancestral", nonNegative(inputs, "eta"),
                nonNegative(inputs, "s_noise")));
    }

    private static double nonNegative(NodeInputs inputs, String name) {
        double value = inputs.getFloat(name);
        if (!(value >= 0) || !Double.isFinite(value)) {
            throw NodeException.invalidInput(name, name + " is " + value + "; expected a finite number, 0 or more");
        }
        return value;
    }
}
