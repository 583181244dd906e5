package dev.tessera.sd.nodes.internal.nodes;

import ai.djl.ndarray.NDManager;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.model.api.Conditioning;
import dev.tessera.tensor.TensorRuntime;
import java.util.function.Function;

/** What the conditioning nodes share: their output lives in a manager of its own, closed if making it fails. */
final class ConditioningNodes {

    private ConditioningNodes() {}

    /** The conditioning {@code make} builds on a new manager named after the node, as the node's one output. */
    static NodeResult owned(TensorRuntime tensors, String type, ExecutionContext context,
            Function<NDManager, Conditioning> make) {
        NDManager owner = tensors.newManager(type + " " + context.nodeId());
        try {
            return NodeResult.of(make.apply(owner));
        } catch (RuntimeException e) {
            owner.close();
            throw e;
        }
    }
}
