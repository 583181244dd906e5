package dev.tessera.flux.nodes.internal.nodes;

import ai.djl.ndarray.NDManager;
import dev.tessera.model.api.ConditioningCopy;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.model.api.Conditioning;
import dev.tessera.tensor.TensorRuntime;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ComfyUI's ConditioningZeroOut: the conditioning with zeros for its text embeddings and pooled vector, the
 * negative that FLUX Kontext workflows give KSampler (at cfg 1 it is never evaluated; above 1 it is the empty
 * condition).
 */
@Component(service = NodeType.class)
public final class ConditioningZeroOutNode implements NodeType {

    private static final NodeDescriptor DESCRIPTOR = NodeDescriptor.builder("ConditioningZeroOut")
            .displayName("ConditioningZeroOut")
            .category("advanced/conditioning")
            .input(InputSpec.link("conditioning", ValueType.CONDITIONING))
            .output("CONDITIONING", ValueType.CONDITIONING)
            .build();

    private final TensorRuntime tensors;

    @Activate
    public ConditioningZeroOutNode(@Reference TensorRuntime tensors) {
        this.tensors = tensors;
    }

    @Override
    public NodeDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        Conditioning conditioning = inputs.get("conditioning", Conditioning.class);
        NDManager owner = tensors.newManager("ConditioningZeroOut " + context.nodeId());
        try {
            return NodeResult.of(ConditioningCopy.zeroed(conditioning, owner));
        } catch (RuntimeException e) {
            owner.close();
            throw e;
        }
    }
}
