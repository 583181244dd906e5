package dev.tessera.llm.nodes.internal;

import dev.tessera.models.llm.loading.LlmCheckpoint;

/**
 * The LLM value a loader node outputs: a lease on a cached {@link LlmCheckpoint}. Closing it (the host's output cache
 * does when it evicts the loader's output) gives the lease back; the model is freed when the last lease goes.
 */
public final class LlmHandle implements AutoCloseable {

    private final LlmCheckpoint checkpoint;
    private final Runnable release;
    private boolean closed;

    LlmHandle(LlmCheckpoint checkpoint, Runnable release) {
        this.checkpoint = checkpoint;
        this.release = release;
    }

    public synchronized LlmCheckpoint checkpoint() {
        if (closed) {
            throw new IllegalStateException("this LLM handle is closed (" + checkpoint.folder() + ")");
        }
        return checkpoint;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            release.run();
        }
    }

    @Override
    public String toString() {
        return "LLM[" + checkpoint.folder().getFileName() + ", " + checkpoint.config().architecture().modelType() + "]";
    }
}
