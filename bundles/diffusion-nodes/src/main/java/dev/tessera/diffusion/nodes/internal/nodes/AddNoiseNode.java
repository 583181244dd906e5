package dev.tessera.diffusion.nodes.internal.nodes;

import ai.djl.ndarray.NDArray;
import dev.tessera.diffusion.nodes.internal.CustomSampling;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputFailures;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.image.ImageResizer;
import dev.tessera.model.api.DiffusionModel;
import dev.tessera.model.api.Latent;
import dev.tessera.tensor.TensorRuntime;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ComfyUI's AddNoise (experimental): {@code latent_image} noised with {@code noise} to {@code |sigmas[0] -
 * sigmas[-1]|} as the model scales noise (flow models mix), keeping the noise mask and batch_index; sigmas without
 * a step return the latent as it is.
 */
@Component(service = NodeType.class)
public final class AddNoiseNode implements NodeType {

    private static final List<String> NAMED = List.of("model", "noise", "sigmas", "latent_image");

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("AddNoise")
            .displayName("AddNoise")
            .category("experimental/custom_sampling/noise")
            .input(InputSpec.link("model", ValueType.MODEL))
            .input(InputSpec.link("noise", SamplerNodes.NOISE))
            .input(InputSpec.link("sigmas", SamplerNodes.SIGMAS))
            .input(InputSpec.link("latent_image", ValueType.LATENT))
            .output("LATENT", ValueType.LATENT)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public AddNoiseNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        DiffusionModel model = inputs.get("model", DiffusionModel.class);
        Latent latent = inputs.get("latent_image", Latent.class);
        SamplerNodes.checkFamily(model, latent);
        CustomSampling.Noise noise = inputs.get("noise", CustomSampling.Noise.class);
        CustomSampling.Sigmas sigmas = inputs.get("sigmas", CustomSampling.Sigmas.class);
        long[] batchIndex = latent.batchIndex().orElse(null);
        return LatentNodes.produce(tensors, context, "AddNoise", scratch -> {
            NDArray noisy;
            try {
                noisy = CustomSampling.addNoise(model, noise, sigmas, latent.samples(), batchIndex, scratch);
            } catch (IllegalArgumentException e) {
                throw InputFailures.invalid(e, NAMED, "sigmas");
            }
            return new LatentNodes.Parts(noisy == null ? ImageResizer.borrow(latent.samples(), scratch).duplicate()
                    : noisy, latent.noiseMask().map(m -> ImageResizer.borrow(m, scratch).duplicate()).orElse(null),
                    noisy == null ? latent.format().orElse(null) : model.latentFormat(), batchIndex);
        });
    }
}
