package dev.tessera.cli.internal;

import dev.tessera.graph.engine.InputValue;
import dev.tessera.graph.engine.Workflow;
import dev.tessera.graph.engine.WorkflowNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The nodes a run executes: the output nodes and everything they link to, for the progress count. */
final class NeededNodes {

    private NeededNodes() {
    }

    static Set<String> of(Workflow workflow, List<String> outputNodes) {
        Set<String> needed = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(outputNodes);
        while (!todo.isEmpty()) {
            String id = todo.pop();
            WorkflowNode node = workflow.nodes().get(id);
            if (node == null || !needed.add(id)) continue;
            for (InputValue value : node.inputs().values()) {
                if (value instanceof InputValue.Link link) todo.push(link.nodeId());
            }
        }
        return needed;
    }
}
