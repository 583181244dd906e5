package dev.tessera.graph.engine;

/**
 * Receives the events of one run, on the thread that runs it (or, for progress, the thread the node reports
 * from). An exception thrown here is logged and does not affect the run.
 */
@FunctionalInterface
public interface ExecutionListener {

    ExecutionListener NONE = event -> { };

    void onEvent(ExecutionEvent event);
}
