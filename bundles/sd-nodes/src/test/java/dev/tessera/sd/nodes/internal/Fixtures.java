package dev.tessera.sd.nodes.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.Preview;
import dev.tessera.graph.api.ResourceScope;
import dev.tessera.tensor.TensorRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 * execution context that records progress, map-backed inputs) and the pack's tiny SD1.x checkpoint laid out in a
 * models folder as a user would.
 */
public final class Fixtures {

    private Fixtures() {}

    public static Path pack() {
        String dir = System.getProperty("tessera.conformance.dir");
        assertTrue(dir != null && Files.isDirectory(Path.of(dir)), "tessera.conformance.dir must name the pack: " + dir);
        return Path.of(dir);
    }

    /** The repository's sample-workflows folder (its models folder holds the tiny checkpoint). */
    public static Path sampleWorkflows() {
        return pack().resolve("../../sample-workflows").normalize();
    }

    /**
     * {@code models/checkpoints/} under {@code root} with the pack's tiny single-file checkpoint, its architecture
     * file and the pack's CLIP-style tokenizer beside it (as {@code tiny-sd15.tokenizer/}); returns the models folder.
     */
    public static Path tinyModels(Path root) {
        Path models = root.resolve("models");
        Path checkpoints = models.resolve("checkpoints");
        Path single = pack().resolve("sd15/single-file");
        copy(single.resolve("tiny-sd15.safetensors"), checkpoints.resolve("tiny-sd15.safetensors"));
        copy(single.resolve("tiny-sd15.arch.json"), checkpoints.resolve("tiny-sd15.arch.json"));
        copy(pack().resolve("tokenizers/clip-style/tokenizer.json"),
                checkpoints.resolve("tiny-sd15.tokenizer/tokenizer.json"));
        return models;
    }

    /** A CLIP-style tokenizer.json written as a slow tokenizer's vocab.json and merges.txt in {@code folder}. */
    public static void writeVocabAndMerges(Path tokenizerJson, Path folder) {
        try {
            com.google.gson.JsonObject model = com.google.gson.JsonParser.parseString(Files.readString(tokenizerJson))
                    .getAsJsonObject().getAsJsonObject("model");
            Files.createDirectories(folder);
            Files.writeString(folder.resolve("vocab.json"), model.getAsJsonObject("vocab").toString());
            StringBuilder merges = new StringBuilder("#version: 0.2\n");
            for (com.google.gson.JsonElement merge : model.getAsJsonArray("merges")) {
                if (merge.isJsonArray()) {
                    merges.append(merge.getAsJsonArray().get(0).getAsString()).append(' ')
                            .append(merge.getAsJsonArray().get(1).getAsString());
                } else {
                    merges.append(merge.getAsString());
                }
                merges.append('\n');
            }
            Files.writeString(folder.resolve("merges.txt"), merges);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The pack's tiny SD1.x diffusers folder as a user lays it out under {@code models/diffusers/<name>/}: its
     * components, a {@code model_index.json}, and the pack's CLIP-style tokenizer as {@code tokenizer/vocab.json}
     * + {@code merges.txt}.
     */
    public static Path tinyDiffusers(Path models, String name) {
        Path folder = models.resolve("diffusers").resolve(name);
        Path source = pack().resolve("sd15/diffusers");
        try (var walk = Files.walk(source)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                copy(f, folder.resolve(source.relativize(f).toString()));
            }
            Files.writeString(folder.resolve("model_index.json"),
                    "{\"_class_name\": \"StableDiffusionPipeline\", \"_diffusers_version\": \"0.40.0\"}");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        writeVocabAndMerges(pack().resolve("tokenizers/clip-style/tokenizer.json"), folder.resolve("tokenizer"));
        return folder;
    }

    public static void copy(Path from, Path to) {
        try {
            Files.createDirectories(to.getParent());
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
