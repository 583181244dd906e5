package dev.tessera.models.core.sharing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Opened model files shared by every loader and run: a value is opened once per key (the caller's record of
 * {@link FileStamp}, architecture, device, dtype, ...) and shared by all handles over it. Each handle holds a lease;
 * the value is closed (its tensors freed) when the last lease closes, which happens when the host's output cache
 * evicts the loader's outputs and everything derived from them. A file changed on disk is a new key, so it loads
 * anew while handles over the old version finish. {@link #close()} closes everything (the owner is stopping).
 */
public final class SharedFiles {

    private final String owner;
    private final Map<Object, Shared<?>> open = new HashMap<>();
    private int loads;
    private boolean closed;

    /** @param owner what the error after {@link #close()} names, e.g. "the checkpoint cache" */
    public SharedFiles(String owner) {
        this.owner = owner;
    }

    /**
     * A lease on the value under {@code key}, opened by {@code opener} unless a lease holds it now.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    @SuppressWarnings("unchecked")
    public synchronized <T extends AutoCloseable> Shared.Lease<T> lease(Object key, Supplier<T> opener) {
        if (closed) {
            throw new IllegalStateException(owner + " is closed (its bundle is stopping)");
        }
        Shared<T> shared = (Shared<T>) open.get(key);
        if (shared == null || shared.isClosed()) {
            T value = opener.get();
            loads++;
            shared = new Shared<>(value, s -> release(key, s));
            open.put(key, shared);
        }
        return shared.lease();
    }

    private void release(Object key, Shared<? extends AutoCloseable> shared) {
        synchronized (this) {
            open.remove(key, shared);
        }
        closeOrThrow(shared.value());
    }

    /** How many values have been opened (a second loader of the same file opens none). */
    public synchronized int loads() {
        return loads;
    }

    /** How many values are open now. */
    public synchronized int openFiles() {
        return open.size();
    }

    /** Closes every open value, also those leases still hold; the first failure is thrown after all were tried. */
    public void close() {
        List<Shared<?>> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(open.values());
            open.clear();
        }
        RuntimeException first = null;
        for (Shared<?> shared : all) {
            try {
                closeOrThrow((AutoCloseable) shared.value());
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static void closeOrThrow(AutoCloseable resource) {
        try {
            resource.close();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("closing " + resource + " failed: " + e.getMessage(), e);
        }
    }
}
