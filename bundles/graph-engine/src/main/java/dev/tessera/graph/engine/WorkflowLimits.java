package dev.tessera.graph.engine;

import java.util.function.Function;

/**
 * Limits on what a workflow may be, so that hostile or broken input gets a clear error instead of exhausting the
 * stack or memory. Read from framework (or system) properties {@value #MAX_DEPTH} and {@value #MAX_NODES}.
 *
 * @param maxDepth how deep objects and arrays may nest in a workflow's JSON (the workflow object is depth 1)
 * @param maxNodes how many nodes a workflow may have
 */
public record WorkflowLimits(int maxDepth, int maxNodes) {

    public static final String MAX_DEPTH = "tessera.workflow.maxDepth";
    public static final String MAX_NODES = "tessera.workflow.maxNodes";
    /** Deep enough for any real workflow's literals and the editor's workflow in {@code extra_pnginfo}. */
    public static final int DEFAULT_MAX_DEPTH = 100;
    /**
     * The most that may be asked for: code that walks a value tree (Gson's writer, copies) recurses once per level,
     * and this keeps that far from any thread's stack size.
     */
    public static final int HIGHEST_MAX_DEPTH = 1000;
    public static final int DEFAULT_MAX_NODES = 100_000;

    public static final WorkflowLimits DEFAULTS = new WorkflowLimits(DEFAULT_MAX_DEPTH, DEFAULT_MAX_NODES);

    public WorkflowLimits {
        if (maxDepth < 3 || maxDepth > HIGHEST_MAX_DEPTH) {
            throw new IllegalArgumentException(MAX_DEPTH + " must be 3 to " + HIGHEST_MAX_DEPTH + ", got " + maxDepth);
        }
        if (maxNodes < 1) throw new IllegalArgumentException(MAX_NODES + " must be at least 1, got " + maxNodes);
    }

    /**
     * The limits the properties set, defaults for those not set.
     *
     * @param properties property lookup, null for an unset property
     * @throws IllegalArgumentException naming the property when a value is not a whole number in range
     */
    public static WorkflowLimits from(Function<String, String> properties) {
        return new WorkflowLimits(number(properties, MAX_DEPTH, DEFAULT_MAX_DEPTH), number(properties, MAX_NODES, DEFAULT_MAX_NODES));
    }

    private static int number(Function<String, String> properties, String key, int fallback) {
        String text = properties.apply(key);
        if (text == null || text.isBlank()) return fallback;
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + text + "'");
        }
    }
}
