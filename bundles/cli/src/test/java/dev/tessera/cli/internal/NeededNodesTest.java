package dev.tessera.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tessera.graph.engine.InputValue;
import dev.tessera.graph.engine.Workflow;
import dev.tessera.graph.engine.WorkflowNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NeededNodesTest {

    private static WorkflowNode node(String id, Map<String, InputValue> inputs) {
        return new WorkflowNode(id, "T", inputs, null);
    }

    @Test
    void countsWhatTheOutputsReachOnceAndIgnoresTheRest() {
        Map<String, WorkflowNode> nodes = new LinkedHashMap<>();
        nodes.put("1", node("1", Map.of("value", new InputValue.Literal(5L))));
        nodes.put("2", node("2", Map.of("a", new InputValue.Link("1", 0), "b", new InputValue.Link("1", 0))));
        nodes.put("3", node("3", Map.of("a", new InputValue.Link("2", 0), "b", new InputValue.Link("1", 0))));
        nodes.put("4", node("4", Map.of("a", new InputValue.Link("1", 0)))); // not needed by the output
        nodes.put("5", node("5", Map.of("a", new InputValue.Link("3", 0))));
        Workflow wf = new Workflow(nodes, "{}");
        assertEquals(Set.of("1", "2", "3", "5"), NeededNodes.of(wf, List.of("5")));
        assertEquals(Set.of("1", "2", "3", "4", "5"), NeededNodes.of(wf, List.of("5", "4")));
        assertEquals(Set.of(), NeededNodes.of(wf, List.of()));
    }

    @Test
    void toleratesLinksToMissingNodesAndCycles() {
        Map<String, WorkflowNode> nodes = new LinkedHashMap<>();
        nodes.put("1", node("1", Map.of("a", new InputValue.Link("2", 0), "b", new InputValue.Link("99", 0))));
        nodes.put("2", node("2", Map.of("a", new InputValue.Link("1", 0))));
        assertEquals(Set.of("1", "2"), NeededNodes.of(new Workflow(nodes, "{}"), List.of("1")));
    }
}
