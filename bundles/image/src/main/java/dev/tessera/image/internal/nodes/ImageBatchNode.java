package dev.tessera.image.internal.nodes;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.image.CropMode;
import dev.tessera.image.ImageBatch;
import dev.tessera.image.ImageResizer;
import dev.tessera.image.ResizeMethod;
import dev.tessera.tensor.TensorRuntime;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** ComfyUI's ImageBatch ("Batch Images"): image2 after image1 in one batch; an image2 of another size is first resized to image1's (bilinear, centre crop), as ComfyUI. */
@Component(service = NodeType.class)
public final class ImageBatchNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("ImageBatch")
            .displayName("Batch Images")
            .category("image")
            .input(InputSpec.link("image1", ValueType.IMAGE))
            .input(InputSpec.link("image2", ValueType.IMAGE))
            .output("IMAGE", ValueType.IMAGE)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public ImageBatchNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        ImageBatch first = inputs.get("image1", ImageBatch.class);
        ImageBatch second = inputs.get("image2", ImageBatch.class);
        return ImageNodes.produce(tensors, context, "ImageBatch", first.pixels().getDevice(), (out, scratch) -> {
            NDArray a = ImageResizer.borrow(first.pixels(), scratch).toType(DataType.FLOAT32, false);
            NDArray b = ImageResizer.borrow(second.pixels(), scratch).toDevice(a.getDevice(), false)
                    .toType(DataType.FLOAT32, false);
            if (second.width() != first.width() || second.height() != first.height()) {
                b = ImageResizer.resize(b, first.width(), first.height(), ResizeMethod.BILINEAR, CropMode.CENTER,
                        scratch);
            }
            return NodeResult.of(out.image(a.concat(b, 0)));
        });
    }
}
