package dev.tessera.contextgen.internal.nodes;

import static dev.tessera.contextgen.internal.nodes.ContextGenNodes.CONTEXTGEN_LAYOUT;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.contextgen.ContextGenLayout;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.image.ImageBatch;
import dev.tessera.tensor.TensorRuntime;
import java.nio.FloatBuffer;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The layout image ContextGen conditions on: the user's, or the references pasted into their boxes by Instance
 * Layering Prioritization on mid-grey. IMAGE [1, H, W, 3] float32 on the runtime's device, as ComfyUI's images are.
 */
@Component(service = NodeType.class)
public final class ComposeLayoutImageNode implements NodeType {

    static final String INPUT = "contextgen_layout";

    private final TensorRuntime tensors;
    private final NodeDescriptor descriptor = NodeDescriptor.builder("ComposeLayoutImage")
            .displayName("ContextGen Compose Layout Image")
            .category(ContextGenNodes.CATEGORY)
            .description("Pastes the references into their boxes (contained instances on top, then larger ones"
                    + " underneath) on grey: ContextGen's layout image.")
            .input(InputSpec.link(INPUT, CONTEXTGEN_LAYOUT))
            .output("IMAGE", ValueType.IMAGE)
            .build();

    @Activate
    public ComposeLayoutImageNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        ContextGenLayout layout = inputs.get(INPUT, ContextGenLayout.class);
        float[] rgb = layout.layoutImageOrComposite();
        NDManager owner = tensors.newManager("ComposeLayoutImage " + context.nodeId() + " IMAGE");
        try {
            NDArray pixels = owner.create(FloatBuffer.wrap(rgb), new Shape(1, layout.height(), layout.width(), 3),
                    DataType.FLOAT32);
            return NodeResult.of(ImageBatch.owning(owner, pixels));
        } catch (RuntimeException e) {
            owner.close();
            throw e;
        }
    }
}
