package dev.tessera.layout.internal.nodes;

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
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * The host's services as small real implementations, after the image bundle's TestFixtures (test classes are not
 * shared between modules): a CPU float32 runtime over one base manager, a run scope, a context, map inputs.
 */
final class NodeFixtures {

    private NodeFixtures() {}

    /** Every manager it hands out descends from one base manager, so a test can count what is left. */
    static final class CpuRuntime implements TensorRuntime, AutoCloseable {
        private final NDManager base = NDManager.newBaseManager(Device.cpu());

        @Override public Device device() { return Device.cpu(); }
        @Override public DataType computeType() { return DataType.FLOAT32; }
        @Override public NDManager newManager(String name) {
            NDManager m = base.newSubManager();
            m.setName(name);
            return m;
        }
        @Override public NDManager runManager(ResourceScope scope) {
            return scope.shared(CpuRuntime.class, base::newSubManager);
        }
        @Override public <T> T call(Callable<T> work) {
            try {
                return work.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        /** The arrays still alive in any manager this runtime handed out (DJL counts sub-managers' arrays too). */
        int liveArrays() {
            return base.getManagedArrays().size();
        }
        @Override public void close() { base.close(); }
    }

    static final class RunScope implements ResourceScope, AutoCloseable {
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
            while (!attached.isEmpty()) attached.pop().close();
            shared.clear();
        }
    }

    record Context(String nodeId, RunScope scope, Optional<String> workflowJson, Map<String, String> extraPngInfo)
            implements ExecutionContext {
        Context(RunScope scope) {
            this("5", scope, Optional.empty(), Map.of());
        }
        @Override public String promptId() { return "test-prompt"; }
        @Override public void progress(long value, long max) { }
        @Override public void progress(long value, long max, Preview preview) { }
        @Override public boolean isInterrupted() { return false; }
    }

    /** Inputs from a map, with the type checks NodeInputs promises. */
    static final class MapInputs implements NodeInputs {
        private final Map<String, Object> values = new LinkedHashMap<>();

        MapInputs with(String name, Object value) {
            values.put(name, value);
            return this;
        }

        MapInputs without(String name) {
            values.remove(name);
            return this;
        }

        @Override public Set<String> names() { return values.keySet(); }
        @Override public boolean has(String name) { return values.containsKey(name); }

        @Override
        public <T> T get(String name, Class<T> type) {
            if (!values.containsKey(name)) throw new NodeException("required_input_missing", name, "missing " + name);
            Object v = values.get(name);
            if (!type.isInstance(v)) throw new NodeException("return_type_mismatch", name, name + " is not a " + type);
            return type.cast(v);
        }
    }
}
