package dev.tessera.graph.engine;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Asks one run to stop. The engine checks it before each node; nodes check it between units of work through
 * {@link dev.tessera.graph.api.ExecutionContext#isInterrupted()}. Safe to call from any thread.
 */
public final class InterruptToken {

    private final AtomicBoolean interrupted = new AtomicBoolean();

    public void interrupt() {
        interrupted.set(true);
    }

    public boolean isInterrupted() {
        return interrupted.get();
    }
}
