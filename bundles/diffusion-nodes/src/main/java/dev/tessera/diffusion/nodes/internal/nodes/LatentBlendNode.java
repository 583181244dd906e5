package dev.tessera.diffusion.nodes.internal.nodes;

import dev.tessera.diffusion.nodes.internal.LatentMath;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.image.ImageResizer;
import dev.tessera.model.api.Latent;
import dev.tessera.tensor.TensorRuntime;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** ComfyUI's LatentBlend ("Latent Blend"): {@code samples1 * blend_factor + samples2 * (1 - blend_factor)}, samples2 first resized to samples1's size (bicubic, centre crop) when they differ; samples1's noise mask and family go along. */
@Component(service = NodeType.class)
public final class LatentBlendNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("LatentBlend")
            .displayName("Latent Blend")
            .category("_for_testing")
            .input(InputSpec.link("samples1", ValueType.LATENT))
            .input(InputSpec.link("samples2", ValueType.LATENT))
            .input(InputSpec.decimal("blend_factor", 0.5, 0.0, 1.0, 0.01, 0.01))
            .output("LATENT", ValueType.LATENT)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public LatentBlendNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        Latent first = inputs.get("samples1", Latent.class);
        Latent second = inputs.get("samples2", Latent.class);
        LatentChecks.sameKind("samples2", second, "samples1", first);
        double factor = inputs.getFloat("blend_factor");
        return LatentNodes.produce(tensors, context, "LatentBlend", scratch -> {
            ai.djl.ndarray.NDArray blended = LatentMath.blend(first.samples(), second.samples(), factor, scratch);
            // samples1's batch_index, as ComfyUI copies samples1, while the batch is still its batch
            long[] index = first.batchIndex().filter(i -> i.length == blended.getShape().get(0)).orElse(null);
            return new LatentNodes.Parts(blended,
                    first.noiseMask().map(m -> ImageResizer.borrow(m, scratch).duplicate()).orElse(null),
                    first.format().or(second::format).orElse(null), index);
        });
    }
}
