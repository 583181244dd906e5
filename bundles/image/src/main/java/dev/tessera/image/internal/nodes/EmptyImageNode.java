package dev.tessera.image.internal.nodes;

import ai.djl.ndarray.types.Shape;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.tensor.TensorRuntime;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** ComfyUI's EmptyImage: a batch filled with one colour, {@code color} as 0xRRGGBB. */
@Component(service = NodeType.class)
public final class EmptyImageNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("EmptyImage")
            .displayName("EmptyImage")
            .category("image")
            .input(InputSpec.integer("width", 512, 1, ImageScaleNode.MAX_RESOLUTION, 1))
            .input(InputSpec.integer("height", 512, 1, ImageScaleNode.MAX_RESOLUTION, 1))
            .input(InputSpec.integer("batch_size", 1, 1, 4096, 1))
            .input(InputSpec.integer("color", 0, 0, 0xFFFFFF, 1))
            .output("IMAGE", ValueType.IMAGE)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public EmptyImageNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        long width = inputs.getInt("width");
        long height = inputs.getInt("height");
        long batch = inputs.getInt("batch_size");
        long color = inputs.getInt("color");
        float[] rgb = {((color >> 16) & 0xFF) / 255f, ((color >> 8) & 0xFF) / 255f, (color & 0xFF) / 255f};
        return ImageNodes.produce(tensors, context, "EmptyImage", tensors.device(), (out, scratch) ->
                NodeResult.of(out.image(scratch.create(rgb, new Shape(1, 1, 1, 3)).toDevice(tensors.device(), false)
                        .broadcast(new Shape(batch, height, width, 3)).duplicate())));
    }
}
