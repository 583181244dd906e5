package dev.tessera.image.internal.nodes;

import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.image.Compositing;
import dev.tessera.image.MaskBatch;
import dev.tessera.tensor.TensorRuntime;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** ComfyUI's GrowMask: the mask grown ({@code expand} &gt; 0) or shrunk (&lt; 0) by that many pixels, corners rounded with {@code tapered_corners}. */
@Component(service = NodeType.class)
public final class GrowMaskNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("GrowMask")
            .displayName("GrowMask")
            .category("mask")
            .input(InputSpec.link("mask", ValueType.MASK))
            .input(InputSpec.integer("expand", 0, -ImageScaleNode.MAX_RESOLUTION, ImageScaleNode.MAX_RESOLUTION, 1))
            .input(InputSpec.bool("tapered_corners", true))
            .output("MASK", ValueType.MASK)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public GrowMaskNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        MaskBatch mask = inputs.get("mask", MaskBatch.class);
        int expand = (int) inputs.getInt("expand");
        boolean tapered = inputs.getBoolean("tapered_corners");
        return ImageNodes.produce(tensors, context, "GrowMask", mask.values().getDevice(), (out, scratch) ->
                NodeResult.of(out.mask(Compositing.growMask(mask.values(), expand, tapered, scratch))));
    }
}
