package dev.tessera.image.internal.nodes;

import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
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

/** ComfyUI's ImageToMask ("Convert Image to Mask"): one channel of the image as a mask. IMAGE is RGB here (as LoadImage's output in ComfyUI), so {@code alpha} is refused naming the input, where ComfyUI fails with an index error. */
@Component(service = NodeType.class)
public final class ImageToMaskNode implements NodeType {

    private static final java.util.List<String> CHANNELS = java.util.List.of("red", "green", "blue", "alpha");

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("ImageToMask")
            .displayName("Convert Image to Mask")
            .category("mask")
            .input(InputSpec.link("image", ValueType.IMAGE))
            .input(InputSpec.combo("channel", CHANNELS))
            .output("MASK", ValueType.MASK)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public ImageToMaskNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        ImageBatch image = inputs.get("image", ImageBatch.class);
        String channel = inputs.getString("channel");
        int index = CHANNELS.indexOf(channel);
        if (index < 0 || index >= ImageBatch.CHANNELS) {
            throw NodeException.invalidInput("channel", "the IMAGE has the channels red, green and blue, not '"
                    + channel + "' (an image's alpha comes out of LoadImage as its MASK)");
        }
        return ImageNodes.produce(tensors, context, "ImageToMask", image.pixels().getDevice(), (out, scratch) ->
                NodeResult.of(out.mask(ImageResizer.borrow(image.pixels(), scratch)
                        .get(new NDIndex(":, :, :, {}", index)).toType(DataType.FLOAT32, false).duplicate())));
    }
}
