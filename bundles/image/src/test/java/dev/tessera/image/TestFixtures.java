package dev.tessera.image;

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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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

/**
 * Small real implementations of the host's services for tests: folders over a temporary directory, a tensor
 * runtime over a DJL base manager on the CPU, a run scope, an execution context and map-backed inputs.
 */
public final class TestFixtures {

    private TestFixtures() {}

    /** Folders under one root: root/input, root/output, root/temp, root/models (created). */
    public record DirFolders(Path root) implements Folders {
        public DirFolders {
            try {
                for (String d : List.of("input", "output", "temp", "models")) Files.createDirectories(root.resolve(d));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override public Path output() { return root.resolve("output"); }
        @Override public Path input() { return root.resolve("input"); }
        @Override public Path temp() { return root.resolve("temp"); }
        @Override public Path models() { return root.resolve("models"); }

        @Override
        public List<String> listModelFiles(String kind, List<String> extensions) {
            return List.of();
        }

        @Override
        public Path resolveModelFile(String kind, String name) {
            throw NodeException.invalidInput(kind, "no model files in tests");
        }
    }

    /** A CPU float32 runtime; every manager it hands out descends from one base manager, closed by {@link #close}. */
    public static final class CpuRuntime implements TensorRuntime, AutoCloseable {
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
        public NDManager base() { return base; }
        @Override public void close() { base.close(); }
    }

    /** Closes what was attached in reverse order when the run ends. */
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
            while (!attached.isEmpty()) attached.pop().close();
            shared.clear();
        }
    }

    public record Context(String nodeId, RunScope scope, Optional<String> workflowJson,
                          Map<String, String> extraPngInfo) implements ExecutionContext {
        public Context(RunScope scope) {
            this("7", scope, Optional.empty(), Map.of());
        }
        @Override public String promptId() { return "test-prompt"; }
        @Override public void progress(long value, long max) { }
        @Override public void progress(long value, long max, Preview preview) { }
        @Override public boolean isInterrupted() { return false; }
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
            if (!values.containsKey(name)) throw new NodeException("required_input_missing", name, "missing " + name);
            Object v = values.get(name);
            if (!type.isInstance(v)) throw new NodeException("return_type_mismatch", name, name + " is not a " + type);
            return type.cast(v);
        }
    }
}
