package dev.tessera.models.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;

/**
 * The keys and values of the positions a {@link CausalLM} has seen, per layer ([B, KV, positions, D] each), so
 * that each new token costs one position instead of the whole sequence. Owned by one generation: its tensors live
 * in its own manager and are freed by {@link #close()} (and each layer's previous tensors when it grows).
 */
public final class KvCache implements AutoCloseable {

    private final NDManager manager;
    private final NDArray[][] layers;
    private long length;

    KvCache(NDManager parent, int numLayers) {
        this.manager = parent.newSubManager();
        this.layers = new NDArray[numLayers][];
    }

    /** How many positions are cached (the position the next token gets). */
    public long length() {
        return length;
    }

    NDArray[] layer(int index) {
        return layers[index];
    }

    /** Replaces layer {@code index}'s keys and values by {@code k}, {@code v} (which include the old ones). */
    void update(int index, NDArray k, NDArray v) {
        NDArray[] old = layers[index];
        // Out of any computation scope and into the cache's manager: they outlive the forward pass.
        NDScope.unregister(k, v);
        k.attach(manager);
        v.attach(manager);
        layers[index] = new NDArray[] {k, v};
        if (old != null) {
            old[0].close();
            old[1].close();
        }
    }

    void advance(long positions) {
        length += positions;
    }

    @Override
    public void close() {
        manager.close();
    }
}
