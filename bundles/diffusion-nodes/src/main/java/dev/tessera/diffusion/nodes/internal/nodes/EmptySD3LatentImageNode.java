package dev.tessera.diffusion.nodes.internal.nodes;

import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.OutputSpec;
import dev.tessera.graph.api.ValueType;
import dev.tessera.tensor.TensorRuntime;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ComfyUI's EmptySD3LatentImage, the empty latent FLUX and SD3 graphs start from: zeros
 * {@code [batch_size, 16, height / 8, width / 8]}, sizes a multiple of 16 (FLUX packs 2x2 latent cells into one
 * token).
 */
@Component(service = NodeType.class)
public final class EmptySD3LatentImageNode extends EmptyLatents {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("EmptySD3LatentImage")
            .displayName("EmptySD3LatentImage")
            .category("latent/sd3")
            .description("An empty 16-channel latent for FLUX and SD3 models.")
            .input(InputSpec.integer("width", 1024, 16, EmptyLatents.MAX_RESOLUTION, 16))
            .input(InputSpec.integer("height", 1024, 16, EmptyLatents.MAX_RESOLUTION, 16))
            .input(InputSpec.integer("batch_size", 1, 1, 4096, 1))
            .output(new OutputSpec("LATENT", ValueType.LATENT, false, "The empty latent image batch."))
            .build();

    @Activate
    public EmptySD3LatentImageNode(@Reference TensorRuntime tensors) {
        super(tensors, DESCRIPTOR, 16, 16, "8 pixels per latent cell, 2x2 cells per FLUX token");
    }
}
