package dev.tessera.image.internal.nodes;

import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.image.CropMode;
import dev.tessera.image.ImageBatch;
import dev.tessera.image.ResizeMethod;
import dev.tessera.tensor.TensorRuntime;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** ComfyUI's ImageScaleBy ("Upscale Image By"): each side times {@code scale_by}, rounded half to even, at least 1. */
@Component(service = NodeType.class)
public final class ImageScaleByNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("ImageScaleBy")
            .displayName("Upscale Image By")
            .category("image/upscaling")
            .input(InputSpec.link("image", ValueType.IMAGE))
            .input(InputSpec.combo("upscale_method", ResizeMethod.comfyNames()))
            .input(InputSpec.decimal("scale_by", 1.0, 0.01, 8.0, 0.01, 0.01))
            .output("IMAGE", ValueType.IMAGE)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public ImageScaleByNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        ImageBatch image = inputs.get("image", ImageBatch.class);
        ResizeMethod method = ResizeMethod.byComfyName(inputs.getString("upscale_method")).orElseThrow(() ->
                NodeException.invalidInput("upscale_method", "expected one of " + ResizeMethod.comfyNames()));
        double scale = inputs.getFloat("scale_by");
        int width = (int) Math.max(1, Math.rint(image.width() * scale));
        int height = (int) Math.max(1, Math.rint(image.height() * scale));
        return ImageScaleNode.resized(tensors, context, "ImageScaleBy", image, method, CropMode.DISABLED,
                new int[] {width, height});
    }
}
