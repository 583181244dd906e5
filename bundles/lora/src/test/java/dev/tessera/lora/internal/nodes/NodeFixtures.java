package dev.tessera.lora.internal.nodes;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.Folders;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.Preview;
import dev.tessera.graph.api.ResourceScope;
import dev.tessera.model.api.BoundDenoiser;
import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.DiffusionModel;
import dev.tessera.model.api.LatentFormat;
import dev.tessera.model.api.ModelPatch;
import dev.tessera.model.api.TextEncoder;
import dev.tessera.lora.internal.LoraCatalog;
import dev.tessera.sampling.NoiseSchedule;
import dev.tessera.sampling.Prediction;
import dev.tessera.tensor.TensorRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.stream.Stream;

/**
 * The host side of a node execution for tests: a models folder, a CPU runtime, a run scope, a context, map inputs,
 * and MODEL/CLIP handles that keep a patch list as the real handles do (sampling and encoding are the SD nodes'
 * business and are not exercised here).
 */
final class NodeFixtures {

    private NodeFixtures() {
    }

    /** A models root whose {@code loras} folder is listed and resolved with the host's rules. */
    record ModelFolders(Path root) implements Folders {
        @Override public Path output() { return root.resolve("output"); }
        @Override public Path input() { return root.resolve("input"); }
        @Override public Path temp() { return root.resolve("temp"); }
        @Override public Path models() { return root.resolve("models"); }

        @Override
        public List<String> listModelFiles(String kind, List<String> extensions) {
            Path folder = modelFolder(kind);
            if (!Files.isDirectory(folder)) {
                return List.of();
            }
            try (Stream<Path> files = Files.walk(folder)) {
                return files.filter(Files::isRegularFile).map(p -> folder.relativize(p).toString().replace('\\', '/'))
                        .filter(n -> extensions.stream().anyMatch(n::endsWith)).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public Path resolveModelFile(String kind, String name) {
            if (name.contains("..") || Path.of(name).isAbsolute()) {
                throw NodeException.invalidInput(kind, "'" + name + "' leads outside the " + kind + " folder");
            }
            Path file = modelFolder(kind).resolve(name);
            if (!Files.isRegularFile(file)) {
                throw NodeException.invalidInput(kind, "no file '" + name + "' in " + modelFolder(kind));
            }
            return file;
        }
    }

    /**
     * The names LoRA bundles offer, set by the test; the real catalog (the extender, tested in a framework by
     * LoraBundleExtenderTest) answers the same two questions.
     */
    static final class Bundled implements LoraCatalog {
        private final Map<String, Path> offered = new LinkedHashMap<>();

        Bundled offer(String name, Path file) {
            offered.put(name, file);
            return this;
        }

        Bundled drop(String name) {
            offered.remove(name);
            return this;
        }

        @Override
        public synchronized List<String> names() {
            return List.copyOf(offered.keySet());
        }

        @Override
        public synchronized Optional<Path> find(String name) {
            return Optional.ofNullable(offered.get(name));
        }
    }

    /** CPU float32; every manager descends from one base manager. */
    static final class CpuRuntime implements TensorRuntime, AutoCloseable {
        private final NDManager base = NDManager.newBaseManager(Device.cpu());

        @Override public Device device() { return Device.cpu(); }
        @Override public DataType computeType() { return DataType.FLOAT32; }
        @Override public NDManager newManager(String name) { return base.newSubManager(); }
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
        NDManager base() { return base; }
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
            while (!attached.isEmpty()) {
                attached.pop().close();
            }
            shared.clear();
        }
    }

    record Context(RunScope scope) implements ExecutionContext {
        @Override public String nodeId() { return "12"; }
        @Override public String promptId() { return "test"; }
        @Override public void progress(long value, long max) { }
        @Override public void progress(long value, long max, Preview preview) { }
        @Override public boolean isInterrupted() { return false; }
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

    /** A MODEL handle of a family: its patch list, new handles from withPatch, closing tracked. */
    static final class Model implements DiffusionModel {
        private final LatentFormat format;
        private final List<ModelPatch> patches;
        boolean closed;

        Model(LatentFormat format, List<ModelPatch> patches) {
            this.format = format;
            this.patches = List.copyOf(patches);
        }

        @Override public LatentFormat latentFormat() { return format; }
        @Override public Prediction prediction() { return Prediction.EPSILON; }
        @Override public NoiseSchedule noiseSchedule() { return NoiseSchedule.stableDiffusion(); }
        @Override public List<ModelPatch> patches() { return patches; }

        @Override
        public Model withPatch(ModelPatch patch) {
            List<ModelPatch> more = new ArrayList<>(patches);
            more.add(patch);
            return new Model(format, more);
        }

        @Override
        public BoundDenoiser guided(Conditioning positive, Conditioning negative, double cfg, NDManager manager) {
            throw new UnsupportedOperationException("sampling is not part of the LoRA node tests");
        }

        @Override public void close() { closed = true; }
    }

    /** A CLIP handle: its patch list and new handles from withPatch. */
    static final class Clip implements TextEncoder {
        private final List<ModelPatch> patches;

        Clip(List<ModelPatch> patches) {
            this.patches = List.copyOf(patches);
        }

        @Override public String family() { return "sd1"; }
        @Override public int layerCount() { return 3; }
        @Override public int lastLayer() { return -1; }
        @Override public TextEncoder withLastLayer(int layer) { return this; }
        @Override public List<ModelPatch> patches() { return patches; }

        @Override
        public Clip withPatch(ModelPatch patch) {
            List<ModelPatch> more = new ArrayList<>(patches);
            more.add(patch);
            return new Clip(more);
        }

        @Override
        public Conditioning encode(String text, NDManager owner) {
            throw new UnsupportedOperationException("encoding is not part of the LoRA node tests");
        }

        @Override public void close() { }
    }
}
