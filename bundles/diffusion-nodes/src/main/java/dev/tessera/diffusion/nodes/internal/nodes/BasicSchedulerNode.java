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
import dev.tessera.sampling.comfy.ComfySchedulers;
import org.osgi.service.component.annotations.Component;

/**
 * ComfyUI's BasicScheduler: the SIGMAS KSampler would use for {@code scheduler}, {@code steps} and {@code denoise}
 * (with denoise below 1 the last {@code steps} of {@code steps / denoise}; denoise 0 runs nothing). They are
 * resolved against the latent when sampling, as KSampler's (a FLUX model's shift depends on the latent's size).
 */
@Component(service = NodeType.class)
public final class BasicSchedulerNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("BasicScheduler")
            .displayName("BasicScheduler")
            .category("sampling/schedulers")
            .input(InputSpec.link("model", ValueType.MODEL))
            .input(SamplerNodes.scheduler())
            .input(SamplerNodes.steps())
            .input(InputSpec.decimal("denoise", 1.0, 0.0, 1.0, 0.01, 0.01))
            .output("SIGMAS", SamplerNodes.SIGMAS)
            .build();

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        String scheduler = inputs.getString("scheduler");
        long steps = inputs.getInt("steps");
        double denoise = inputs.getFloat("denoise");
        if (!ComfySchedulers.NAMES.contains(scheduler)) {
            throw NodeException.invalidInput("scheduler", "scheduler '" + scheduler + "' is not one of "
                    + String.join(", ", ComfySchedulers.NAMES));
        }
        if (steps < 1 || steps > 10000) {
            throw NodeException.invalidInput("steps", "steps is " + steps + "; expected 1 to 10000");
        }
        if (!(denoise >= 0 && denoise <= 1)) {
            throw NodeException.invalidInput("denoise", "denoise is " + denoise + "; expected 0 to 1");
        }
        return NodeResult.of(CustomSampling.Sigmas.named(inputs.get("model", DiffusionModel.class), scheduler,
                (int) steps, denoise));
    }
}

