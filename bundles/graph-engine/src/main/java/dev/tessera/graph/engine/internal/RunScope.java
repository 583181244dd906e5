package dev.tessera.graph.engine.internal;

import dev.tessera.graph.api.ResourceScope;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/** The resources of one run, closed in reverse order of attachment when the run ends, however it ends. */
final class RunScope implements ResourceScope {

    private static final System.Logger LOG = System.getLogger(RunScope.class.getName());

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final Set<AutoCloseable> attached = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<Object, AutoCloseable> shared = new HashMap<>();
    private boolean closed;

    @Override
    public synchronized <T extends AutoCloseable> T attach(T resource) {
        Objects.requireNonNull(resource, "resource");
        if (closed) {
            closeQuietly(resource);
            throw new IllegalStateException("the run has ended; " + resource.getClass().getName() + " was closed at once");
        }
        if (attached.add(resource)) resources.add(resource);
        return resource;
    }

    @Override
    public synchronized <T extends AutoCloseable> T shared(Object key, Supplier<T> factory) {
        Objects.requireNonNull(key, "key");
        AutoCloseable existing = shared.get(key);
        if (existing != null) {
            @SuppressWarnings("unchecked")
            T t = (T) existing;
            return t;
        }
        T created = Objects.requireNonNull(factory.get(), "the factory for shared resource " + key + " returned null");
        attach(created);
        shared.put(key, created);
        return created;
    }

    /** Closes everything in reverse order; a failing close is logged and the others still close. */
    synchronized List<Exception> close() {
        closed = true;
        List<Exception> failures = new ArrayList<>();
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                failures.add(e);
                LOG.log(System.Logger.Level.WARNING, "closing a run resource (" + resources.get(i).getClass().getName()
                        + ") failed: " + e);
            }
        }
        resources.clear();
        attached.clear();
        shared.clear();
        return failures;
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "closing " + resource.getClass().getName() + " failed: " + e);
        }
    }
}
