package dev.tessera.image.internal.nodes;

import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.image.ImageBatch;
import dev.tessera.image.ImageResizer;
import dev.tessera.tensor.TensorRuntime;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** ComfyUI's ImageInvert ("Invert Image"): {@code 1 - image}. */
@Component(service = NodeType.class)
public final class ImageInvertNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("ImageInvert")
            .displayName("Invert Image")
            .category("image")
            .input(InputSpec.link("image", ValueType.IMAGE))
            .output("IMAGE", ValueType.IMAGE)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public ImageInvertNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        ImageBatch image = inputs.get("image", ImageBatch.class);
        return ImageNodes.produce(tensors, context, "ImageInvert", image.pixels().getDevice(), (out, scratch) ->
                NodeResult.of(out.image(ImageResizer.borrow(image.pixels(), scratch).neg().add(1f))));
    }
}
