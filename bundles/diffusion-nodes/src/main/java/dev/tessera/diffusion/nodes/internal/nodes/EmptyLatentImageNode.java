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
 * ComfyUI's EmptyLatentImage: zeros {@code [batch_size, 4, height / 8, width / 8]}. ComfyUI floors sizes that are
 * not multiples of 8 without a word; here they are an error before anything runs, naming the nearest valid sizes
 * ({@link EmptyLatents}).
 */
@Component(service = NodeType.class)
public final class EmptyLatentImageNode extends EmptyLatents {

    /** ComfyUI's MAX_RESOLUTION. */
    static final int MAX_RESOLUTION = EmptyLatents.MAX_RESOLUTION;
    /** SD latents: 4 channels, 8 pixels per latent cell. */
    static final int CHANNELS = 4;
    static final int DOWNSCALE = EmptyLatents.DOWNSCALE;

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("EmptyLatentImage")
            .displayName("Empty Latent Image")
            .category("latent")
            .description("Create a new batch of empty latent images to be denoised via sampling.")
            .input(InputSpec.integer("width", 512, 16, MAX_RESOLUTION, 8)
                    .withTooltip("The width of the latent images in pixels."))
            .input(InputSpec.integer("height", 512, 16, MAX_RESOLUTION, 8)
                    .withTooltip("The height of the latent images in pixels."))
            .input(InputSpec.integer("batch_size", 1, 1, 4096, 1)
                    .withTooltip("The number of latent images in the batch."))
            .output(new OutputSpec("LATENT", ValueType.LATENT, false, "The empty latent image batch."))
            .build();

    @Activate
    public EmptyLatentImageNode(@Reference TensorRuntime tensors) {
        super(tensors, DESCRIPTOR, CHANNELS, DOWNSCALE, "the VAE maps 8x8 pixels to one latent cell");
    }
}
