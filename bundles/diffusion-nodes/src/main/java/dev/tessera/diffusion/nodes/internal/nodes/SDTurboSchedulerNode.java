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

/**
 * ComfyUI's SDTurboScheduler: the model's sigmas at timesteps 999, 899, ..., 99, from step
 * {@code 10 - int(10 * denoise)} on, {@code steps} of them, then 0. For discrete (SD1.x/SDXL-style) models.
 */
@Component(service = NodeType.class)
public final class SDTurboSchedulerNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("SDTurboScheduler")
            .displayName("SDTurboScheduler")
            .category("sampling/schedulers")
            .input(InputSpec.link("model", ValueType.MODEL))
            .input(InputSpec.integer("steps", 1, 1, 10, 1))
            .input(InputSpec.decimal("denoise", 1.0, 0.0, 1.0, 0.01, 0.01))
            .output("SIGMAS", SamplerNodes.SIGMAS)
            .build();

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        DiffusionModel model = inputs.get("model", DiffusionModel.class);
        long steps = inputs.getInt("steps");
        double denoise = inputs.getFloat("denoise");
        if (steps < 1 || steps > 10) {
            throw NodeException.invalidInput("steps", "steps is " + steps + "; expected 1 to 10");
        }
        if (!(denoise >= 0 && denoise <= 1)) {
            throw NodeException.invalidInput("denoise", "denoise is " + denoise + "; expected 0 to 1");
        }
        if (model.prediction() == dev.tessera.sampling.Prediction.FLOW) {
            throw NodeException.invalidInput("model", "SDTurboScheduler picks training timesteps of a discrete model"
                    + " (SD1.x, SD2.x, SDXL); this is a rectified-flow model: use BasicScheduler");
        }
        return NodeResult.of(CustomSampling.Sigmas.values(ComfySigmas.sdTurbo(model.noiseSchedule(), (int) steps,
                denoise)));
    }
}
