package dev.tessera.image.internal.nodes;

import ai.djl.ndarray.NDArray;
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

/** ComfyUI's ImagePadForOutpaint ("Pad Image for Outpainting"): the image on a grey canvas grown by the margins, and a mask of what to paint (the margins, feathered into the image). */
@Component(service = NodeType.class)
public final class ImagePadForOutpaintNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("ImagePadForOutpaint")
            .displayName("Pad Image for Outpainting")
            .category("image")
            .input(InputSpec.link("image", ValueType.IMAGE))
            .input(InputSpec.integer("left", 0, 0, ImageScaleNode.MAX_RESOLUTION, 8))
            .input(InputSpec.integer("top", 0, 0, ImageScaleNode.MAX_RESOLUTION, 8))
            .input(InputSpec.integer("right", 0, 0, ImageScaleNode.MAX_RESOLUTION, 8))
            .input(InputSpec.integer("bottom", 0, 0, ImageScaleNode.MAX_RESOLUTION, 8))
            .input(InputSpec.integer("feathering", 40, 0, ImageScaleNode.MAX_RESOLUTION, 1))
            .output("IMAGE", ValueType.IMAGE)
            .output("MASK", ValueType.MASK)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public ImagePadForOutpaintNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        ImageBatch image = inputs.get("image", ImageBatch.class);
        int left = (int) inputs.getInt("left");
        int top = (int) inputs.getInt("top");
        int right = (int) inputs.getInt("right");
        int bottom = (int) inputs.getInt("bottom");
        int feathering = (int) inputs.getInt("feathering");
        return ImageNodes.produce(tensors, context, "ImagePadForOutpaint", image.pixels().getDevice(),
                (out, scratch) -> {
                    NDArray[] padded = Compositing.padForOutpaint(image.pixels(), left, top, right, bottom,
                            feathering, scratch);
                    return NodeResult.of(out.image(padded[0]), out.mask(padded[1]));
                });
    }
}
