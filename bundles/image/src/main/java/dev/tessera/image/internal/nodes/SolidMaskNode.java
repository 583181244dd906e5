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

/** ComfyUI's SolidMask: one {@code [1, height, width]} mask filled with {@code value}. */
@Component(service = NodeType.class)
public final class SolidMaskNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("SolidMask")
            .displayName("SolidMask")
            .category("mask")
            .input(InputSpec.decimal("value", 1.0, 0.0, 1.0, 0.01, 0.01))
            .input(InputSpec.integer("width", 512, 1, ImageScaleNode.MAX_RESOLUTION, 1))
            .input(InputSpec.integer("height", 512, 1, ImageScaleNode.MAX_RESOLUTION, 1))
            .output("MASK", ValueType.MASK)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public SolidMaskNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        float value = (float) inputs.getFloat("value");
        long width = inputs.getInt("width");
        long height = inputs.getInt("height");
        return ImageNodes.produce(tensors, context, "SolidMask", tensors.device(), (out, scratch) ->
                NodeResult.of(out.mask(scratch.full(new Shape(1, height, width), value)
                        .toDevice(tensors.device(), false))));
    }
}
