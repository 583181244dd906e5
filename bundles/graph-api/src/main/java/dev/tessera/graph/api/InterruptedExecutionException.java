package dev.tessera.graph.api;

/** The user asked to stop the run; thrown from {@link ExecutionContext#checkInterrupted()}. */
public class InterruptedExecutionException extends NodeException {

    private static final long serialVersionUID = 1L;

    public InterruptedExecutionException(String nodeId) {
        super("interrupted", null, "interrupted by the user at node " + nodeId);
    }
}
