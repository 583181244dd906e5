package dev.tessera.layout.internal.nodes;

import static dev.tessera.layout.internal.nodes.LayoutNodes.HEIGHT;
import static dev.tessera.layout.internal.nodes.LayoutNodes.LAYOUT;
import static dev.tessera.layout.internal.nodes.LayoutNodes.WIDTH;

import ai.djl.ndarray.NDManager;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.image.DecodedImage;
import dev.tessera.image.ImageBatch;
import dev.tessera.layout.Layout;
import dev.tessera.layout.internal.LayoutPainter;
import dev.tessera.tensor.TensorRuntime;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * A picture of a layout (boxes in distinct colours with their phrases, the caption at the bottom), so the user sees
 * it before generating. Not an output node: it returns an IMAGE, which PreviewImage shows or SaveImage keeps, so
 * saving stays in one place and the picture can be composed with others.
 */
@Component(service = NodeType.class)
public final class LayoutPreviewNode implements NodeType {

    private final TensorRuntime tensors;
    private final NodeDescriptor descriptor = NodeDescriptor.builder("LayoutPreview")
            .displayName("Layout Preview")
            .category(LayoutNodes.CATEGORY)
            .description("Draws the layout: each box in its own colour with its index and phrase, the caption at"
                    + " the bottom. Connect it to Preview Image or Save Image.")
            .input(InputSpec.link(LAYOUT, ValueType.LAYOUT))
            .input(LayoutNodes.sideOrHint(WIDTH))
            .input(LayoutNodes.sideOrHint(HEIGHT))
            .output("IMAGE", ValueType.IMAGE)
            .build();

    @Activate
    public LayoutPreviewNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        Layout layout = inputs.get(LAYOUT, Layout.class);
        int[] canvas = LayoutNodes.canvas(inputs, layout);
        DecodedImage picture = DecodedImage.of(LayoutPainter.paint(layout, canvas[0], canvas[1]));
        // The batch owns this manager, so evicting the output frees it (a sub-manager would leave its parent behind).
        NDManager owner = tensors.newManager("LayoutPreview " + context.nodeId());
        try {
            return NodeResult.of(ImageBatch.owning(owner, ImageBatch.createPixels(owner, List.of(picture))));
        } catch (RuntimeException e) {
            owner.close();
            throw e;
        }
    }
}
