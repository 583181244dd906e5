package dev.tessera.testing;

import dev.tessera.graph.api.ResourceScope;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/** A run's resource scope as the engine keeps it: closes what was attached, last first, when the run ends. */
public final class RunScope implements ResourceScope, AutoCloseable {

    private final Deque<AutoCloseable> attached = new ArrayDeque<>();
    private final Map<Object, AutoCloseable> shared = new HashMap<>();

    @Override
    public synchronized <T extends AutoCloseable> T attach(T resource) {
        attached.push(resource);
        return resource;
    }

    @Override
    @SuppressWarnings("unchecked")
    public synchronized <T extends AutoCloseable> T shared(Object key, Supplier<T> factory) {
        return (T) shared.computeIfAbsent(key, k -> attach(factory.get()));
    }

    @Override
    public synchronized void close() throws Exception {
        while (!attached.isEmpty()) {
            attached.pop().close();
        }
        shared.clear();
    }
}
