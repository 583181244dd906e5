package dev.tessera.tensor;

import dev.tessera.graph.api.ResourceScope;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/** A minimal real {@link ResourceScope}, as the graph engine provides one per run. */
public final class RunScope implements ResourceScope, AutoCloseable {

    private final Deque<AutoCloseable> attached = new ArrayDeque<>();
    private final Map<Object, AutoCloseable> shared = new HashMap<>();

    @Override
    public <T extends AutoCloseable> T attach(T resource) {
        attached.push(resource);
        return resource;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends AutoCloseable> T shared(Object key, Supplier<T> factory) {
        return (T) shared.computeIfAbsent(key, k -> attach(factory.get()));
    }

    @Override
    public void close() throws Exception {
        while (!attached.isEmpty()) {
            attached.pop().close();
        }
        shared.clear();
    }
}
