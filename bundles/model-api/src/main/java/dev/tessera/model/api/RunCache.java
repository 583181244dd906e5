package dev.tessera.model.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Tensors a {@link ForwardHook} derives once per sampling run and reads at every step: what depends only on the
 * run's inputs, never on the step (a MIGLoRA mask encoder's output depends on the layout and the latent size). The
 * caller that runs the steps (a bound denoiser) makes one per run and closes it when sampling ends, so a long run
 * holds one copy and a finished run none. Without one ({@link HookContext#runCache()} null: a training step, a
 * one-off call) a hook derives them on every call.
 */
public final class RunCache implements AutoCloseable {

    private final NDManager manager;
    private final Map<Object, NDList> values = new HashMap<>();
    private boolean closed;

    /** A cache whose tensors live on a sub-manager of {@code parent}: closed with this, or with {@code parent}. */
    public RunCache(NDManager parent) {
        this.manager = parent.newSubManager();
    }

    /**
     * The tensors under {@code key}, made by {@code make} the first time. {@code make} must return tensors it
     * created (never its inputs): they move to this cache's manager and out of the computation scope that is open,
     * so no step's scope frees them. Keys compare by {@code equals}: name the owner, what the tensors are and
     * everything they depend on (sizes, dtype, device).
     *
     * @throws IllegalStateException after {@link #close}
     */
    public synchronized NDList get(Object key, Supplier<NDList> make) {
        if (closed) {
            throw new IllegalStateException("the run cache is closed: its sampling run has ended");
        }
        NDList held = values.get(key);
        if (held == null) {
            held = make.get();
            for (NDArray array : held) {
                array.attach(manager);
                NDScope.unregister(array);
            }
            values.put(key, held);
        }
        return held;
    }

    /** Entries held: for tests that check a run does not grow. */
    public synchronized int size() {
        return values.size();
    }

    @Override
    public synchronized void close() {
        closed = true;
        values.clear();
        manager.close();
    }
}
