package dev.tessera.graph.engine.internal;

import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.graph.engine.ExecutionEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A registry and engine over test node types, fed the way SCR feeds them. */
final class Fixtures {

    final NodeTypeRegistry registry = new NodeTypeRegistry();
    final CachingWorkflowEngine engine;

    Fixtures() {
        this(dev.tessera.graph.engine.WorkflowLimits.DEFAULTS);
    }

    Fixtures(dev.tessera.graph.engine.WorkflowLimits limits) {
        engine = new CachingWorkflowEngine(registry, limits);
    }
    private long nextServiceId = 1;

    /** Registers like SCR does: with service properties. */
    long register(NodeType type, int ranking) {
        long id = nextServiceId++;
        Map<String, Object> props = new HashMap<>();
        props.put("service.id", id);
        props.put("service.ranking", ranking);
        registry.addNodeType(type, props);
        return id;
    }

    <T extends NodeType> T register(T type) {
        register(type, 0);
        return type;
    }

    void unregister(NodeType type) {
        registry.removeNodeType(type, Map.of());
    }

    /** {@code Int{value: INT -1000..1000}} -> INT: a source with a widget. */
    static TestNode intSource() {
        return new TestNode(NodeDescriptor.builder("Int").input(InputSpec.integer("value", 0, -1000, 1000, 1))
                .output("INT", ValueType.INT).build(), (in, ctx) -> NodeResult.of(in.getInt("value")));
    }

    /** {@code Add{a: INT link, b: INT widget}} -> INT. */
    static TestNode add() {
        return new TestNode(NodeDescriptor.builder("Add").input(InputSpec.link("a", ValueType.INT))
                .input(InputSpec.integer("b", 1, -1000, 1000, 1)).output("INT", ValueType.INT).build(),
                (in, ctx) -> NodeResult.of(in.getInt("a") + in.getInt("b")));
    }

    /** {@code Show{value: INT link}}: an output node whose ui lists the value. */
    static TestNode show() {
        return new TestNode(NodeDescriptor.builder("Show").input(InputSpec.link("value", ValueType.INT)).outputNode(true).build(),
                (in, ctx) -> NodeResult.of().withUi("values", List.of(in.getInt("value"))));
    }

    /** Records every event of a run. */
    static class Recorder implements dev.tessera.graph.engine.ExecutionListener {
        final List<ExecutionEvent> events = new ArrayList<>();

        @Override
        public synchronized void onEvent(ExecutionEvent event) {
            events.add(event);
        }

        synchronized List<String> types() {
            return events.stream().map(ExecutionEvent::type).toList();
        }

        synchronized <E extends ExecutionEvent> List<E> of(Class<E> kind) {
            return events.stream().filter(kind::isInstance).map(kind::cast).toList();
        }

        /** The node of each {@code executing} event, "null" for the end marker. */
        synchronized List<String> executing() {
            return of(ExecutionEvent.Executing.class).stream().map(e -> String.valueOf(e.node())).toList();
        }
    }
}
