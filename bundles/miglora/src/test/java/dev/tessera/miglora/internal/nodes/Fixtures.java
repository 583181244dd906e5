package dev.tessera.miglora.internal.nodes;


import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.Preview;
import dev.tessera.graph.api.ResourceScope;
import dev.tessera.tensor.TensorRuntime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * Small real implementations of the host's services for tests (a CPU float32 tensor runtime, a run scope, an
 * execution context that records progress, map-backed inputs), as sd-nodes' tests have them.
 */
public final class Fixtures {

    private Fixtures() {}

    public static void copy(java.nio.file.Path from, java.nio.file.Path to) {
        try {
            java.nio.file.Files.createDirectories(to.getParent());
            java.nio.file.Files.copy(from, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** CPU float32; every manager descends from one base manager, closed by {@link #close}. */
    public static final class CpuRuntime implements TensorRuntime, AutoCloseable {
        private final NDManager base = NDManager.newBaseManager(Device.cpu());

        @Override public Device device() { return Device.cpu(); }
        @Override public DataType computeType() { return DataType.FLOAT32; }

        @Override
        public NDManager newManager(String name) {
            NDManager m = base.newSubManager();
            m.setName(name);
            return m;
        }

        @Override
        public NDManager runManager(ResourceScope scope) {
            return scope.shared(CpuRuntime.class, base::newSubManager);
        }

        @Override
        public <T> T call(Callable<T> work) {
            try {
                return work.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        public NDManager base() { return base; }

        @Override public void close() { base.close(); }
    }

    /** Closes what was attached, in reverse order, when the run ends. */
    public static final class RunScope implements ResourceScope, AutoCloseable {
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

    /** Records progress; reports an interrupt once {@code interruptAfter} progress reports were made. */
    public static final class Context implements ExecutionContext {
        private final RunScope scope;
        private final int interruptAfter;
        public final List<long[]> progress = new ArrayList<>();

        public Context(RunScope scope) {
            this(scope, Integer.MAX_VALUE);
        }

        public Context(RunScope scope, int interruptAfter) {
            this.scope = scope;
            this.interruptAfter = interruptAfter;
        }

        @Override public String nodeId() { return "3"; }
        @Override public String promptId() { return "test-prompt"; }
        @Override public void progress(long value, long max) { progress.add(new long[] {value, max}); }
        @Override public void progress(long value, long max, Preview preview) { progress(value, max); }
        @Override public boolean isInterrupted() { return progress.size() >= interruptAfter; }
        @Override public ResourceScope scope() { return scope; }
        @Override public Optional<String> workflowJson() { return Optional.empty(); }
        @Override public Map<String, String> extraPngInfo() { return Map.of(); }
    }

    /** Inputs from a map, with the type checks NodeInputs promises. */
    public static final class MapInputs implements NodeInputs {
        private final Map<String, Object> values = new LinkedHashMap<>();

        public MapInputs with(String name, Object value) {
            values.put(name, value);
            return this;
        }

        @Override public Set<String> names() { return values.keySet(); }
        @Override public boolean has(String name) { return values.containsKey(name); }

        @Override
        public <T> T get(String name, Class<T> type) {
            if (!values.containsKey(name)) {
                throw new NodeException("required_input_missing", name, "missing " + name);
            }
            Object v = values.get(name);
            if (!type.isInstance(v)) {
                throw new NodeException("return_type_mismatch", name, name + " is not a " + type);
            }
            return type.cast(v);
        }
    }
}
