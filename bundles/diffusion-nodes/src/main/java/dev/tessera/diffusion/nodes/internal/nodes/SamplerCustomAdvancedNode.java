package dev.tessera.diffusion.nodes.internal.nodes;

import dev.tessera.diffusion.nodes.internal.ComfySampling;
import dev.tessera.diffusion.nodes.internal.CustomSampling;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.model.api.Latent;
import dev.tessera.tensor.TensorRuntime;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ComfyUI's SamplerCustomAdvanced: samples {@code latent_image} with a NOISE, GUIDER, SAMPLER and SIGMAS through the
 * same run as KSampler; {@code denoised_output} is the model's clean estimate at the last step.
 */
@Component(service = NodeType.class)
public final class SamplerCustomAdvancedNode implements NodeType {

    private static final List<String> NAMED = List.of("noise", "guider", "sampler", "sigmas", "latent_image");

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("SamplerCustomAdvanced")
            .displayName("SamplerCustomAdvanced")
            .category("sampling/custom_sampling")
            .input(InputSpec.link("noise", SamplerNodes.NOISE))
            .input(InputSpec.link("guider", SamplerNodes.GUIDER))
            .input(InputSpec.link("sampler", SamplerNodes.SAMPLER))
            .input(InputSpec.link("sigmas", SamplerNodes.SIGMAS))
            .input(InputSpec.link("latent_image", ValueType.LATENT))
            .output("output", ValueType.LATENT)
            .output("denoised_output", ValueType.LATENT)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public SamplerCustomAdvancedNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        CustomSampling.Guider guider = inputs.get("guider", CustomSampling.Guider.class);
        Latent latent = inputs.get("latent_image", Latent.class);
        SamplerNodes.checkFamily(guider.model(), latent);
        ComfySampling.Run run = SamplerNodes.custom(() -> CustomSampling.run(
                inputs.get("noise", CustomSampling.Noise.class), guider,
                inputs.get("sampler", CustomSampling.SamplerChoice.class),
                inputs.get("sigmas", CustomSampling.Sigmas.class), latent.samples().getShape()), NAMED);
        return NodeResult.of(SamplerNodes.sample(tensors, context, latent, run, true, NAMED, "guider").toArray());
    }
}

