package dev.tessera.image.internal.nodes;

import ai.djl.ndarray.NDManager;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.image.MaskBatch;
import dev.tessera.tensor.TensorRuntime;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** ComfyUI's InvertMask: {@code 1 - mask} (e.g. to repaint everything but a loaded mask's region). */
@Component(service = NodeType.class)
public final class InvertMaskNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("InvertMask")
            .displayName("InvertMask")
            .category("mask")
            .input(InputSpec.link("mask", ValueType.MASK))
            .output("MASK", ValueType.MASK)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public InvertMaskNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        MaskBatch mask = inputs.get("mask", MaskBatch.class);
        NDManager owner = tensors.newManager("InvertMask " + context.nodeId());
        try {
            // One new array, moved to the output's manager (neg allocates it in the input's; addi adds in place).
            return NodeResult.of(MaskBatch.owning(owner, mask.values().neg().addi(1f)));
        } catch (RuntimeException e) {
            owner.close();
            throw e;
        }
    }
}
