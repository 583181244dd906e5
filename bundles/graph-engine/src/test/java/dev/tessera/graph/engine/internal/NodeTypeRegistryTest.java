package dev.tessera.graph.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.engine.RunOptions;
import dev.tessera.graph.engine.RunResult;
import dev.tessera.graph.engine.Workflow;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeTypeRegistryTest {

    private final Fixtures f = new Fixtures();

    private static TestNode named(String typeId, String display) {
        return new TestNode(NodeDescriptor.builder(typeId).displayName(display).outputNode(true).build(),
                (in, ctx) -> NodeResult.of().withUi("by", List.of(display)));
    }

    @Test
    void nodeTypesComeAndGoWithTheirServices() {
        TestNode a = named("A", "a");
        TestNode b = named("B", "b");
        assertEquals(List.of(), f.engine.nodeTypes());
        f.register(a);
        f.register(b);
        assertEquals(List.of("A", "B"), f.engine.nodeTypes().stream().map(NodeDescriptor::typeId).toList());
        f.unregister(a);
        assertEquals(List.of("B"), f.engine.nodeTypes().stream().map(NodeDescriptor::typeId).toList());
        assertTrue(f.engine.nodeType("A").isEmpty());
        assertEquals("b", f.engine.nodeType("B").orElseThrow().displayName());
    }

    @Test
    void aWorkflowBecomesRunnableWhenItsNodeTypeArrivesAndInvalidWhenItLeaves() {
        Workflow w = f.engine.parse("{\"1\": {\"class_type\": \"A\"}}", null);
        assertEquals("unknown_node_type", f.engine.validate(w).errors().get(0).type());
        TestNode a = f.register(named("A", "a"));
        assertEquals(RunResult.Status.SUCCESS, f.engine.run(w, RunOptions.defaults(), null).status());
        f.unregister(a);
        RunResult after = f.engine.run(w, RunOptions.defaults(), null);
        assertEquals(RunResult.Status.INVALID, after.status());
        assertEquals("unknown_node_type", after.validation().errors().get(0).type());
    }

    @Test
    void theHigherRankingWinsAndTheRunnerUpTakesOver() {
        TestNode low = named("A", "low");
        TestNode high = named("A", "high");
        TestNode sameAsLowButLater = named("A", "later");
        f.register(low, 0);
        f.register(high, 10);
        f.register(sameAsLowButLater, 0);
        assertSame(high, f.registry.snapshot().get("A").type());
        f.unregister(high);
        assertSame(low, f.registry.snapshot().get("A").type(), "equal ranking: the older service wins, as in OSGi");
        f.unregister(low);
        assertSame(sameAsLowButLater, f.registry.snapshot().get("A").type());
    }

    @Test
    void aChangedRankingIsAppliedWhenTheServiceIsUpdated() {
        TestNode first = named("A", "first");
        TestNode second = named("A", "second");
        f.register(first, 0);
        f.register(second, 0);
        assertSame(first, f.registry.snapshot().get("A").type());
        f.registry.updatedNodeType(second, Map.of("service.id", 2L, "service.ranking", 5));
        assertSame(second, f.registry.snapshot().get("A").type());
    }

    @Test
    void aBrokenDescriptorIsIgnored() {
        f.register(new NodeType() {
            @Override
            public NodeDescriptor descriptor() {
                throw new IllegalStateException("no descriptor");
            }

            @Override
            public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
                return NodeResult.of();
            }
        });
        assertEquals(List.of(), f.engine.nodeTypes());
    }

    @Test
    void resultsOfAReplacedServiceAreNotReused() {
        TestNode before = f.register(named("A", "before"));
        Workflow w = f.engine.parse("{\"1\": {\"class_type\": \"A\"}}", null);
        f.engine.run(w, RunOptions.defaults(), null);
        assertEquals(List.of(), f.engine.run(w, RunOptions.defaults(), null).executed());
        // The bundle is updated: same type id, new service object, possibly new code.
        f.unregister(before);
        TestNode after = f.register(named("A", "after"));
        RunResult r = f.engine.run(w, RunOptions.defaults(), null);
        assertEquals(List.of("1"), r.executed());
        assertEquals(Map.of("by", List.of("after")), r.outputs().get("1"));
        assertEquals(1, before.count());
        assertEquals(1, after.count());
    }
}
