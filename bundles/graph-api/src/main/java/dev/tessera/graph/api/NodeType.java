package dev.tessera.graph.api;

import java.util.List;

/**
 * A kind of node. Register implementations as OSGi services (typically {@code @Component(service = NodeType.class)});
 * the host adds them when they appear and removes them when they go.
 *
 * <p>A node type is stateless between executions: everything it needs arrives in {@link NodeInputs}, and
 * what it produces leaves in the {@link NodeResult}. Keep it thin: validate, call the math, wrap the result.
 */
public interface NodeType {

    NodeDescriptor descriptor();

    /**
     * Computes the outputs, one value per declared output in order.
     *
     * @throws NodeException for problems the user can act on (named input, clear message)
     */
    NodeResult execute(NodeInputs inputs, ExecutionContext context);

    /**
     * Checks literal (widget) values before anything runs, so bad values fail the whole workflow at validation,
     * before any compute. Linked inputs are absent here. The host has already checked types and widget ranges.
     */
    default List<InputProblem> validate(NodeInputs widgetValues) {
        return List.of();
    }

    /**
     * ComfyUI's {@code IS_CHANGED}: a value that changes when the node's result would change although its inputs
     * did not (e.g. the content hash of a file it reads). It becomes part of the cache key; null means inputs
     * alone decide. Only widget values are present.
     */
    default Object changeKey(NodeInputs widgetValues) {
        return null;
    }
}
