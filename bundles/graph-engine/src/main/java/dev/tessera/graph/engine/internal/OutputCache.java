package dev.tessera.graph.engine.internal;

import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Node results by signature. An evicted result's AutoCloseable values (and those directly inside a Collection
 * value) are closed, unless a live entry holds the same object: a pass-through node returns its input unchanged,
 * and closing it then would break the entry upstream.
 */
final class OutputCache {

    private static final System.Logger LOG = System.getLogger(OutputCache.class.getName());

    /** A result and the service that produced it: a result of a service that has gone is not reused. */
    record Entry(NodeResult result, String typeId, NodeType producer) {
    }

    private final Map<String, Entry> entries = new HashMap<>();

    /** The entry for a signature if the producing service is still the one registered. */
    Entry get(String signature, NodeType current) {
        Entry e = entries.get(signature);
        return e != null && e.producer() == current ? e : null;
    }

    void put(String signature, Entry entry) {
        Entry old = entries.put(signature, entry);
        if (old != null && old != entry) closeUnreferenced(Set.of(old));
    }

    int size() {
        return entries.size();
    }

    /**
     * Keeps only the entries under {@code keep} whose producer is still registered for its type id; closes the rest.
     */
    void retainOnly(Set<String> keep, Map<String, RegisteredType> registered) {
        Set<Entry> evicted = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Entry> e = it.next();
            RegisteredType now = registered.get(e.getValue().typeId());
            if (!keep.contains(e.getKey()) || now == null || now.type() != e.getValue().producer()) {
                evicted.add(e.getValue());
                it.remove();
            }
        }
        closeUnreferenced(evicted);
    }

    void clear() {
        Set<Entry> all = Collections.newSetFromMap(new IdentityHashMap<>());
        all.addAll(entries.values());
        entries.clear();
        closeUnreferenced(all);
    }

    private void closeUnreferenced(Set<Entry> evicted) {
        Set<AutoCloseable> live = closeables(entries.values());
        for (AutoCloseable c : closeables(evicted)) {
            if (live.contains(c)) continue;
            try {
                c.close();
            } catch (Exception | LinkageError e) {
                LOG.log(System.Logger.Level.WARNING, "closing an evicted output (" + c.getClass().getName() + ") failed: " + e);
            }
        }
    }

    private static Set<AutoCloseable> closeables(Collection<Entry> from) {
        Set<AutoCloseable> found = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Entry e : from) {
            for (Object value : e.result().values()) {
                if (value instanceof AutoCloseable c) found.add(c);
                if (value instanceof Collection<?> items) {
                    for (Object item : items) {
                        if (item instanceof AutoCloseable c) found.add(c);
                    }
                }
            }
        }
        return found;
    }
}
