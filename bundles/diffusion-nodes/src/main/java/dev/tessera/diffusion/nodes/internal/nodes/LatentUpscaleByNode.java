package dev.tessera.diffusion.nodes.internal.nodes;

import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
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

/** ComfyUI's LatentUpscaleBy ("Upscale Latent By"): each side times {@code scale_by}, rounded half to even. */
@Component(service = NodeType.class)
public final class LatentUpscaleByNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("LatentUpscaleBy")
            .displayName("Upscale Latent By")
            .category("latent")
            .input(InputSpec.link("samples", ValueType.LATENT))
            .input(InputSpec.combo("upscale_method", LatentResize.METHODS))
            .input(InputSpec.decimal("scale_by", 1.5, 0.01, 8.0, 0.01, 0.01))
            .output("LATENT", ValueType.LATENT)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public LatentUpscaleByNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        Latent latent = inputs.get("samples", Latent.class);
        double scale = inputs.getFloat("scale_by");
        long width = (long) Math.rint(latent.width() * scale);
        long height = (long) Math.rint(latent.height() * scale);
        return LatentResize.resized(tensors, context, "LatentUpscaleBy", latent, inputs.getString("upscale_method"),
                CropMode.DISABLED, width, height);
    }
}
