package dev.tessera.graph.engine;

import java.util.Objects;

/**
 * One reason a text is not a workflow.
 *
 * @param nodeId    the node it is about, or null for the document as a whole
 * @param inputName the input it is about, or null
 * @param type      {@code invalid_json} (not JSON) or {@code invalid_prompt} (JSON, but not a workflow)
 * @param message   what is wrong and what was expected
 */
public record ParseProblem(String nodeId, String inputName, String type, String message) {
    public ParseProblem {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(message, "message");
    }

    /** A node id given twice in one workflow ({@code invalid_prompt}); JSON readers would silently keep the last. */
    public static ParseProblem duplicateNode(String nodeId, int line, int column) {
        return new ParseProblem(nodeId, null, "invalid_prompt", "node id " + nodeId + " is given twice (again at line "
                + line + ", column " + column + "); each node needs its own id");
    }
}
