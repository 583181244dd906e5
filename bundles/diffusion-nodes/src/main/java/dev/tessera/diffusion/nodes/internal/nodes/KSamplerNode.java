package dev.tessera.diffusion.nodes.internal.nodes;

import dev.tessera.diffusion.nodes.internal.ComfySampling;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputProblem;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.OutputSpec;
import dev.tessera.graph.api.ValueType;
import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.DiffusionModel;
import dev.tessera.model.api.Latent;
import dev.tessera.tensor.TensorRuntime;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** ComfyUI's KSampler: seeded noise, the named sampler and scheduler, CFG, {@code denoise} for image-to-image. */
@Component(service = NodeType.class)
public final class KSamplerNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("KSampler")
            .displayName("KSampler")
            .category("sampling")
            .description("Uses the provided model, positive and negative conditioning to denoise the latent image.")
            .input(SamplerNodes.model())
            .input(SamplerNodes.seed("seed"))
            .input(SamplerNodes.steps())
            .input(SamplerNodes.cfg())
            .input(SamplerNodes.samplerName())
            .input(SamplerNodes.scheduler())
            .input(SamplerNodes.positive())
            .input(SamplerNodes.negative())
            .input(SamplerNodes.latentImage())
            .input(InputSpec.decimal("denoise", 1.0, 0.0, 1.0, 0.01, 0.01).withTooltip("The amount of denoising"
                    + " applied, lower values will maintain the structure of the initial image allowing for image to"
                    + " image sampling."))
            .output(new OutputSpec("LATENT", ValueType.LATENT, false, "The denoised latent."))
            .build();

    private final TensorRuntime tensors;

    @Activate
    public KSamplerNode(@Reference TensorRuntime tensors) {
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
        ComfySampling.Request request = ComfySampling.Request.simple(model, inputs.getInt("seed"),
                (int) inputs.getInt("steps"), inputs.getFloat("cfg"), inputs.getString("sampler_name"),
                inputs.getString("scheduler"), inputs.get("positive", Conditioning.class),
                inputs.get("negative", Conditioning.class), inputs.getFloat("denoise"));
        return SamplerNodes.run(tensors, context, latent, request);
    }
}
