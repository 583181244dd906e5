package dev.tessera.diffusion.nodes.internal.nodes;

import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.image.CropMode;
import dev.tessera.model.api.Latent;
import dev.tessera.tensor.TensorRuntime;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ComfyUI's LatentUpscale ("Upscale Latent"): the latent resized to {@code width x height} pixels (at least 64,
 * divided by 8 into cells); a zero side follows the other with the latent's aspect; both zero keep it.
 */
@Component(service = NodeType.class)
public final class LatentUpscaleNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("LatentUpscale")
            .displayName("Upscale Latent")
            .category("latent")
            .input(InputSpec.link("samples", ValueType.LATENT))
            .input(InputSpec.combo("upscale_method", LatentResize.METHODS))
            .input(InputSpec.integer("width", 512, 0, EmptyLatents.MAX_RESOLUTION, 8))
            .input(InputSpec.integer("height", 512, 0, EmptyLatents.MAX_RESOLUTION, 8))
            .input(InputSpec.combo("crop", CropMode.comfyNames()))
            .output("LATENT", ValueType.LATENT)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public LatentUpscaleNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        Latent latent = inputs.get("samples", Latent.class);
        long width = inputs.getInt("width");
        long height = inputs.getInt("height");
        CropMode crop = CropMode.byComfyName(inputs.getString("crop")).orElseThrow(() ->
                NodeException.invalidInput("crop", "expected one of " + CropMode.comfyNames()));
        if (width == 0 && height == 0) {
            width = latent.width() * EmptyLatents.DOWNSCALE;
            height = latent.height() * EmptyLatents.DOWNSCALE;
        } else if (width == 0) {
            height = Math.max(64, height);
            width = Math.max(64, (long) Math.rint((double) latent.width() * height / latent.height()));
        } else if (height == 0) {
            width = Math.max(64, width);
            height = Math.max(64, (long) Math.rint((double) latent.height() * width / latent.width()));
        } else {
            width = Math.max(64, width);
            height = Math.max(64, height);
        }
        return LatentResize.resized(tensors, context, "LatentUpscale", latent, inputs.getString("upscale_method"),
                crop, width / EmptyLatents.DOWNSCALE, height / EmptyLatents.DOWNSCALE);
    }
}
