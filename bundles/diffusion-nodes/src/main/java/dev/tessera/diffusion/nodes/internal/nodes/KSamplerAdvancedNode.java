package dev.tessera.diffusion.nodes.internal.nodes;

import dev.tessera.diffusion.nodes.internal.ComfySampling;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputProblem;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.DiffusionModel;
import dev.tessera.model.api.Latent;
import dev.tessera.tensor.TensorRuntime;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ComfyUI's KSamplerAdvanced: runs steps {@code [start_at_step, end_at_step)} of a {@code steps}-step schedule, with
 * or without adding noise, and optionally returns the latent still noisy (for a second sampler to finish).
 */
@Component(service = NodeType.class)
public final class KSamplerAdvancedNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("KSamplerAdvanced")
            .displayName("KSampler (Advanced)")
            .category("sampling")
            .input(SamplerNodes.model())
            .input(InputSpec.combo("add_noise", List.of("enable", "disable")))
            .input(SamplerNodes.seed("noise_seed"))
            .input(SamplerNodes.steps())
            .input(SamplerNodes.cfg())
            .input(SamplerNodes.samplerName())
            .input(SamplerNodes.scheduler())
            .input(SamplerNodes.positive())
            .input(SamplerNodes.negative())
            .input(SamplerNodes.latentImage())
            .input(InputSpec.integer("start_at_step", 0, 0, 10000, 1))
            .input(InputSpec.integer("end_at_step", 10000, 0, 10000, 1))
            .input(InputSpec.combo("return_with_leftover_noise", List.of("disable", "enable")))
            .output("LATENT", ValueType.LATENT)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public KSamplerAdvancedNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public List<InputProblem> validate(NodeInputs widgetValues) {
        return SamplerNodes.validate(widgetValues);
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        DiffusionModel model = inputs.get("model", DiffusionModel.class);
        Latent latent = inputs.get("latent_image", Latent.class);
        long end = inputs.getInt("end_at_step");
        ComfySampling.Request request = new ComfySampling.Request(model, inputs.getInt("noise_seed"),
                "enable".equals(inputs.getString("add_noise")), (int) inputs.getInt("steps"), inputs.getFloat("cfg"),
                inputs.getString("sampler_name"), inputs.getString("scheduler"),
                inputs.get("positive", Conditioning.class), inputs.get("negative", Conditioning.class), 1.0,
                (int) inputs.getInt("start_at_step"), (int) Math.min(end, Integer.MAX_VALUE),
                !"enable".equals(inputs.getString("return_with_leftover_noise")));
        return SamplerNodes.run(tensors, context, latent, request);
    }
}
