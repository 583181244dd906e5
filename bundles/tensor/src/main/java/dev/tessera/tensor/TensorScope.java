package dev.tessera.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Frees the intermediates of a computation as soon as it returns, for math code (plain Java, no OSGi).
 *
 * <p>Every tensor created on this thread while {@code work} runs is closed when it returns, except the results.
 * This matters because a DJL op attaches its result to the manager of its first operand: {@code w.matMul(x)} with
 * a weight {@code w} lands in the long-lived model manager and would live as long as the model. Scopes nest: a
 * result kept by an inner scope that was created inside it becomes a temporary of the enclosing scope, while a
 * result that existed before (an input returned unchanged) is never closed by any scope.
 *
 * <p>Do not create long-lived tensors (caches, weights) inside {@code work}: they would be closed too.
 */
public final class TensorScope {

    /** DJL's NDScope keeps what it registered private; we read it to tell new results from old inputs. */
    private static final Field REGISTERED = registeredField();

    private TensorScope() {
    }

    /** Runs {@code work} and closes every tensor it created except the one it returns. */
    public static NDArray keep(Supplier<NDArray> work) {
        return scoped(work, List::of);
    }

    /** Runs {@code work} and closes every tensor it created except those in the list it returns. */
    public static NDList keepAll(Supplier<NDList> work) {
        return scoped(work, list -> list);
    }

    /** Runs {@code work} and closes every tensor it created (for work that writes into existing tensors). */
    public static void run(Runnable work) {
        scoped(() -> {
            work.run();
            return null;
        }, none -> List.of());
    }

    private static <T> T scoped(Supplier<T> work, java.util.function.Function<T, List<NDArray>> results) {
        T result;
        List<NDArray> createdHere = new ArrayList<>();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            result = work.get();
            Set<NDArray> registered = registered(scope);
            for (NDArray kept : result == null ? List.<NDArray>of() : results.apply(result)) {
                if (registered.contains(kept)) {
                    createdHere.add(kept);
                    NDScope.unregister(kept);
                }
            }
        }
        // Now the enclosing scope, if any, is innermost again: it owns what was created for it.
        createdHere.forEach(NDScope::register);
        return result;
    }

    @SuppressWarnings("unchecked")
    private static Set<NDArray> registered(NDScope scope) {
        try {
            Set<NDArray> identities = Collections.newSetFromMap(new IdentityHashMap<>());
            identities.addAll(((Map<NDArray, NDArray>) REGISTERED.get(scope)).keySet());
            return identities;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("DJL's NDScope is not readable", e);
        }
    }

    private static Field registeredField() {
        try {
            Field field = NDScope.class.getDeclaredField("resources");
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExceptionInInitializerError("DJL's NDScope changed (no 'resources' map); TensorScope must be"
                    + " updated for this DJL version: " + e);
        }
    }
}
