package dev.tessera.image.internal.nodes;

import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.image.Compositing;
import dev.tessera.image.ImageBatch;
import dev.tessera.tensor.TensorRuntime;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** ComfyUI's ImageCrop ("Image Crop"): {@code width} x {@code height} from ({@code x}, {@code y}); the corner is clamped into the image and the size cut at its edge, so the result may be smaller than asked. */
@Component(service = NodeType.class)
public final class ImageCropNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("ImageCrop")
            .displayName("Image Crop")
            .category("image/transform")
            .input(InputSpec.link("image", ValueType.IMAGE))
            .input(InputSpec.integer("width", 512, 1, ImageScaleNode.MAX_RESOLUTION, 8))
            .input(InputSpec.integer("height", 512, 1, ImageScaleNode.MAX_RESOLUTION, 8))
            .input(InputSpec.integer("x", 0, 0, ImageScaleNode.MAX_RESOLUTION, 8))
            .input(InputSpec.integer("y", 0, 0, ImageScaleNode.MAX_RESOLUTION, 8))
            .output("IMAGE", ValueType.IMAGE)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public ImageCropNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        ImageBatch image = inputs.get("image", ImageBatch.class);
        int width = (int) inputs.getInt("width");
        int height = (int) inputs.getInt("height");
        int x = (int) inputs.getInt("x");
        int y = (int) inputs.getInt("y");
        return ImageNodes.produce(tensors, context, "ImageCrop", image.pixels().getDevice(), (out, scratch) ->
                NodeResult.of(out.image(Compositing.crop(image.pixels(), x, y, width, height, scratch))));
    }
}
