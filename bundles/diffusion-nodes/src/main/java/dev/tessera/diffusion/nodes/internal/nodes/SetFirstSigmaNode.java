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

/** ComfyUI's SetFirstSigma: the sigmas with the first replaced by {@code sigma}. */
@Component(service = NodeType.class)
public final class SetFirstSigmaNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("SetFirstSigma")
            .displayName("SetFirstSigma")
            .category("sampling/sigmas")
            .input(InputSpec.link("sigmas", SamplerNodes.SIGMAS))
            .input(InputSpec.decimal("sigma", 136.0, 0.0, 20000.0, 0.001, 0.0))
            .output("SIGMAS", SamplerNodes.SIGMAS)
            .build();

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        double sigma = inputs.getFloat("sigma");
        if (!(sigma >= 0) || !Double.isFinite(sigma)) {
            throw NodeException.invalidInput("sigma", "sigma is " + sigma + "; expected a finite sigma, 0 or more");
        }
        return NodeResult.of(inputs.get("sigmas", CustomSampling.Sigmas.class).withFirst(sigma));
    }
}
