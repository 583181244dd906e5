package dev.tessera.image.internal.nodes;

import ai.djl.ndarray.types.DataType;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.image.ImageResizer;
import dev.tessera.image.MaskBatch;
import dev.tessera.tensor.TensorRuntime;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** ComfyUI's MaskToImage ("Convert Mask to Image"): the mask as a grey image, the same value in R, G and B. */
@Component(service = NodeType.class)
public final class MaskToImageNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("MaskToImage")
            .displayName("Convert Mask to Image")
            .category("mask")
            .input(InputSpec.link("mask", ValueType.MASK))
            .output("IMAGE", ValueType.IMAGE)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public MaskToImageNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        MaskBatch mask = inputs.get("mask", MaskBatch.class);
        return ImageNodes.produce(tensors, context, "MaskToImage", mask.values().getDevice(), (out, scratch) ->
                NodeResult.of(out.image(ImageResizer.borrow(mask.values(), scratch).toType(DataType.FLOAT32, false)
                        .expandDims(3).repeat(3, 3))));
    }
}
