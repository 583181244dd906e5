package dev.tessera.contextgen.internal.nodes;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.Folders;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.Preview;
import dev.tessera.graph.api.ResourceScope;
import dev.tessera.tensor.TensorRuntime;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/** The host side of a node call, real but minimal: CPU tensors, a run scope, inputs from a map, folders. */
final class Fixtures {

    private Fixtures() {}

    static final class CpuRuntime implements TensorRuntime, AutoCloseable {
        final NDManager base = NDManager.newBaseManager(Device.cpu());

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

    static final class Context implements ExecutionContext {
        private final RunScope scope = new RunScope();

        @Override public String nodeId() { return "7"; }
        @Override public String promptId() { return "test"; }
        @Override public void progress(long value, long max) {}
        @Override public void progress(long value, long max, Preview preview) {}
        @Override public boolean isInterrupted() { return false; }
        @Override public ResourceScope scope() { return scope; }
        @Override public Optional<String> workflowJson() { return Optional.empty(); }
        @Override public Map<String, String> extraPngInfo() { return Map.of(); }
    }

    static final class MapInputs implements NodeInputs {
        private final Map<String, Object> values = new LinkedHashMap<>();

        MapInputs with(String name, Object value) {
            values.put(name, value);
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

    static final class TempFolders implements Folders {
        private final Path root;

        TempFolders(Path root) {
            this.root = root;
        }

        @Override public Path output() { return root.resolve("output"); }
        @Override public Path input() { return root.resolve("input"); }
        @Override public Path temp() { return root.resolve("temp"); }
        @Override public Path models() { return root.resolve("models"); }
        @Override public List<String> listModelFiles(String kind, List<String> extensions) { return List.of(); }

        @Override
        public Path resolveModelFile(String kind, String name) {
            throw NodeException.invalidInput("name", "no models here");
        }
    }
}
