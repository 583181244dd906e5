package dev.tessera.itests;

import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import java.util.concurrent.CountDownLatch;

/**
 * An output node that works for a minute in 20 ms steps, reporting each as progress, until it is interrupted: a run
 * of it stays in progress until a test stops it.
 */
final class BlockerNode implements NodeType {

    static final int STEPS = 3000;

    /** Counted down when the node starts executing. */
    final CountDownLatch started = new CountDownLatch(1);
    private final String typeId;

    BlockerNode(String typeId) {
        this.typeId = typeId;
    }

    @Override
    public NodeDescriptor descriptor() {
        return NodeDescriptor.builder(typeId).category("testing").outputNode(true).build();
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        started.countDown();
        for (int step = 1; step <= STEPS; step++) {
            context.checkInterrupted();
            context.progress(step, STEPS);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return NodeResult.of();
    }
}
