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
import dev.tessera.image.MaskBatch;
import dev.tessera.tensor.TensorRuntime;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** ComfyUI's ImageCompositeMasked: {@code source} pasted into {@code destination} at ({@code x}, {@code y}), cut at the edge, mixed by the optional {@code mask} (resized to the source), the source first resized to the destination with {@code resize_source}. */
@Component(service = NodeType.class)
public final class ImageCompositeMaskedNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("ImageCompositeMasked")
            .displayName("ImageCompositeMasked")
            .category("image")
            .input(InputSpec.link("destination", ValueType.IMAGE))
            .input(InputSpec.link("source", ValueType.IMAGE))
            .input(InputSpec.integer("x", 0, 0, ImageScaleNode.MAX_RESOLUTION, 1))
            .input(InputSpec.integer("y", 0, 0, ImageScaleNode.MAX_RESOLUTION, 1))
            .input(InputSpec.bool("resize_source", false))
            .input(InputSpec.link("mask", ValueType.MASK).asOptional())
            .output("IMAGE", ValueType.IMAGE)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public ImageCompositeMaskedNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        ImageBatch destination = inputs.get("destination", ImageBatch.class);
        ImageBatch source = inputs.get("source", ImageBatch.class);
        MaskBatch mask = inputs.optional("mask", MaskBatch.class).orElse(null);
        int x = (int) inputs.getInt("x");
        int y = (int) inputs.getInt("y");
        boolean resize = inputs.getBoolean("resize_source");
        return ImageNodes.produce(tensors, context, "ImageCompositeMasked", destination.pixels().getDevice(),
                (out, scratch) -> NodeResult.of(out.image(Compositing.compositeMasked(destination.pixels(),
                        source.pixels(), x, y, mask == null ? null : mask.values(), resize, scratch))));
    }
}
