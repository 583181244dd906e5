package dev.tessera.diffusion.nodes.internal.nodes;

import dev.tessera.diffusion.nodes.internal.ComfySampling;
import dev.tessera.diffusion.nodes.internal.CustomSampling;
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
 * ComfyUI's SamplerCustom: SamplerCustomAdvanced with its noise ({@code add_noise}, {@code noise_seed}) and CFG
 * guider ({@code cfg}, {@code positive}, {@code negative}) as inputs of its own.
 */
@Component(service = NodeType.class)
public final class SamplerCustomNode implements NodeType {

    private static final List<String> NAMED = List.of("positive", "negative", "cfg", "sampler", "sigmas",
            "latent_image");

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("SamplerCustom")
            .displayName("SamplerCustom")
            .category("sampling/custom_sampling")
            .input(SamplerNodes.model())
            .input(InputSpec.bool("add_noise", true))
            .input(SamplerNodes.seed("noise_seed"))
            .input(SamplerNodes.cfg())
            .input(SamplerNodes.positive())
            .input(SamplerNodes.negative())
            .input(InputSpec.link("sampler", SamplerNodes.SAMPLER))
            .input(InputSpec.link("sigmas", SamplerNodes.SIGMAS))
            .input(SamplerNodes.latentImage())
            .output("output", ValueType.LATENT)
            .output("denoised_output", ValueType.LATENT)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public SamplerCustomNode(@Reference TensorRuntime tensors) {
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
        double cfg = SamplerNodes.finiteCfg(inputs.getFloat("cfg"));
        SamplerNodes.checkFamily(model, latent);
        CustomSampling.Noise noise = inputs.getBoolean("add_noise")
                ? CustomSampling.Noise.random(inputs.getInt("noise_seed"))
                : new CustomSampling.Noise(inputs.getInt("noise_seed"), false);
        CustomSampling.Guider guider = new CustomSampling.Guider(model, inputs.get("positive", Conditioning.class),
                inputs.get("negative", Conditioning.class), cfg);
        ComfySampling.Run run = SamplerNodes.custom(() -> CustomSampling.run(noise, guider,
                inputs.get("sampler", CustomSampling.SamplerChoice.class),
                inputs.get("sigmas", CustomSampling.Sigmas.class), latent.samples().getShape()), NAMED);
        return NodeResult.of(SamplerNodes.sample(tensors, context, latent, run, true, NAMED, "model").toArray());
    }
}

