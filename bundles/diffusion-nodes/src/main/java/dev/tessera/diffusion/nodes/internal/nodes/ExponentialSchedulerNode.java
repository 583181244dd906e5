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

/** ComfyUI's ExponentialScheduler: noise levels log-uniform from {@code sigma_max} to {@code sigma_min}, then 0. */
@Component(service = NodeType.class)
public final class ExponentialSchedulerNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("ExponentialScheduler")
            .displayName("ExponentialScheduler")
            .category("sampling/schedulers")
            .input(SamplerNodes.steps())
            .input(SigmaRanges.sigmaMax())
            .input(SigmaRanges.sigmaMin())
            .output("SIGMAS", SamplerNodes.SIGMAS)
            .build();

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        return NodeResult.of(CustomSampling.Sigmas.values(ComfySigmas.exponential(SigmaRanges.steps(inputs),
                SigmaRanges.positive(inputs, "sigma_max"), SigmaRanges.positive(inputs, "sigma_min"))));
    }
}
