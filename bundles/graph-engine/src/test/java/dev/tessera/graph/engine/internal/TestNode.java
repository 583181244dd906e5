package dev.tessera.graph.engine.internal;

import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputProblem;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;

/** A real node type for tests: a descriptor, a body, and a count of its executions with the inputs it saw. */
final class TestNode implements NodeType {

    private final NodeDescriptor descriptor;
    private final BiFunction<NodeInputs, ExecutionContext, NodeResult> body;
    private final Function<NodeInputs, List<InputProblem>> validator;
    private final Function<NodeInputs, Object> changeKey;
    final AtomicInteger executions = new AtomicInteger();
    final List<NodeInputs> seen = new ArrayList<>();

    TestNode(NodeDescriptor descriptor, BiFunction<NodeInputs, ExecutionContext, NodeResult> body) {
        this(descriptor, body, in -> List.of(), in -> null);
    }

    TestNode(NodeDescriptor descriptor, BiFunction<NodeInputs, ExecutionContext, NodeResult> body,
            Function<NodeInputs, List<InputProblem>> validator, Function<NodeInputs, Object> changeKey) {
        this.descriptor = descriptor;
        this.body = body;
        this.validator = validator;
        this.changeKey = changeKey;
    }

    TestNode withValidator(Function<NodeInputs, List<InputProblem>> v) {
        return new TestNode(descriptor, body, v, changeKey);
    }

    TestNode withChangeKey(Function<NodeInputs, Object> key) {
        return new TestNode(descriptor, body, validator, key);
    }

    @Override
    public NodeDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        executions.incrementAndGet();
        synchronized (seen) {
            seen.add(inputs);
        }
        return body.apply(inputs, context);
    }

    @Override
    public List<InputProblem> validate(NodeInputs widgetValues) {
        return validator.apply(widgetValues);
    }

    @Override
    public Object changeKey(NodeInputs widgetValues) {
        return changeKey.apply(widgetValues);
    }

    int count() {
        return executions.get();
    }

    NodeInputs lastInputs() {
        synchronized (seen) {
            return seen.get(seen.size() - 1);
        }
    }
}
