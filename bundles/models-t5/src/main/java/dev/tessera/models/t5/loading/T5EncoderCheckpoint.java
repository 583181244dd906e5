package dev.tessera.models.t5.loading;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.tessera.tensor.safetensors.JsonErrors;
import dev.tessera.models.sd.ComputeTypes;
import dev.tessera.models.sd.DeviceWeights;
import dev.tessera.models.sd.ModelLoadException;
import dev.tessera.models.sd.ParameterSpecs;
import dev.tessera.models.t5.T5Config;
import dev.tessera.models.t5.T5EncoderModel;
import dev.tessera.tensor.safetensors.SafetensorsException;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A T5 encoder opened for use: its configuration known and every stored tensor checked against the model (names
 * and shapes, from the file headers) when it opens; tensors are read, converted to the compute dtype on the
 * device and the model built the first time {@link #model()} is called. Closing frees the tensors and the files.
 *
 * <p>Layouts: a transformers folder ({@code config.json} + {@code model.safetensors}, a variant such as
 * {@code model.fp16.safetensors}, or shards listed in {@code model.safetensors.index.json}), or a single
 * safetensors file with transformers' names under any prefix (ComfyUI's {@code t5xxl_fp16.safetensors} has none,
 * SD3 all-in-one files use {@code text_encoders.t5xxl.transformer.}). A single file's configuration comes from its
 * shapes (the bias table gives buckets and heads); the one value shapes cannot tell, the maximum relative distance,
 * is T5's 128. The tied copy {@code encoder.embed_tokens.weight} stands in for {@code shared.weight} when that is
 * absent; a full encoder-decoder checkpoint's {@code decoder.*} and {@code lm_head.*} are ignored.
 */
public final class T5EncoderCheckpoint implements AutoCloseable {

    static final String SHARED = "shared.weight";
    static final String EMBED_TOKENS = "encoder.embed_tokens.weight";
    static final String FINAL_NORM = "encoder.final_layer_norm.weight";
    private static final String INDEX = "model.safetensors.index.json";
    private static final Pattern BLOCK = Pattern.compile("encoder\\.block\\.(\\d+)\\..*");

    private final Path path;
    private final T5Config config;
    private final List<SafetensorsFile> files;
    private final StoredTensors stored;
    private final NDManager manager;
    private final DataType dtype;
    private DeviceWeights weights;
    private T5EncoderModel model;

    private T5EncoderCheckpoint(Path path, T5Config config, List<SafetensorsFile> files, StoredTensors stored,
            NDManager manager, DataType dtype) {
        this.path = path;
        this.config = config;
        this.files = files;
        this.stored = stored;
        this.manager = manager;
        this.dtype = dtype;
    }

    /**
     * Opens a transformers folder or a single safetensors file; tensors will live on {@code device} in
     * {@code dtype}, in a sub-manager of {@code parent}.
     */
    public static T5EncoderCheckpoint open(Path path, Device device, DataType dtype, NDManager parent) {
        return open(path, null, device, dtype, parent);
    }

    /**
     * Opens a single safetensors file with a known configuration (for a T5 whose maximum relative distance is not
     * T5's usual 128, which shapes cannot tell); {@code config} null means from the shapes.
     */
    public static T5EncoderCheckpoint openSingleFile(Path file, T5Config config, Device device, DataType dtype,
            NDManager parent) {
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException(file + ": not a file (expected a single T5 encoder safetensors file)");
        }
        return open(file, config, device, dtype, parent);
    }

    private static T5EncoderCheckpoint open(Path path, T5Config given, Device device, DataType dtype,
            NDManager parent) {
        ComputeTypes.require(dtype, "T5 encoder " + path);
        refusePickle(path);
        List<SafetensorsFile> files = new ArrayList<>();
        try {
            T5Config config;
            Map<String, StoredTensors.Location> all = new LinkedHashMap<>();
            if (Files.isDirectory(path)) {
                Path configFile = path.resolve("config.json");
                if (!Files.isRegularFile(configFile)) {
                    throw new ModelLoadException(path + ": no config.json: not a transformers T5 encoder folder");
                }
                config = T5ConfigJson.read(configFile);
                for (Path file : weightFiles(path)) {
                    SafetensorsFile opened = openFile(file);
                    files.add(opened);
                    opened.names().forEach(name -> all.putIfAbsent(name, new StoredTensors.Location(opened, name)));
                }
            } else if (Files.isRegularFile(path)) {
                SafetensorsFile opened = openFile(path);
                files.add(opened);
                opened.names().forEach(name -> all.put(name, new StoredTensors.Location(opened, name)));
                config = given;
            } else {
                throw new ModelLoadException(path + ": no such file or folder");
            }
            String prefix = prefix(path, all);
            Map<String, StoredTensors.Location> canonical = new LinkedHashMap<>();
            all.forEach((name, at) -> {
                if (name.startsWith(prefix)) {
                    canonical.put(name.substring(prefix.length()), at);
                }
            });
            if (!canonical.containsKey(SHARED) && canonical.containsKey(EMBED_TOKENS)) {
                canonical.put(SHARED, canonical.get(EMBED_TOKENS));
            }
            if (config == null) {
                config = configFromShapes(path, canonical);
            }
            T5Config resolved = config;
            Map<String, Shape> specs = ParameterSpecs.of(w -> new T5EncoderModel(resolved, w, DataType.FLOAT32));
            verify(path, prefix, specs, canonical);
            canonical.keySet().retainAll(specs.keySet());
            return new T5EncoderCheckpoint(path, config, files, new StoredTensors(canonical),
                    parent.newSubManager(device), dtype);
        } catch (RuntimeException e) {
            files.forEach(SafetensorsFile::close);
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    public T5Config config() {
        return config;
    }

    public DataType dataType() {
        return dtype;
    }

    /** The encoder, built (and its tensors read) on first use. */
    public synchronized T5EncoderModel model() {
        if (model == null) {
            weights = new DeviceWeights(stored, manager, dtype);
            model = new T5EncoderModel(config, weights, dtype);
        }
        return model;
    }

    @Override
    public synchronized void close() {
        model = null;
        if (weights != null) {
            weights.close();
        } else {
            manager.close();
        }
        files.forEach(SafetensorsFile::close);
    }

    /** The prefix in front of transformers' names: whatever precedes the one {@code encoder.final_layer_norm.weight}. */
    private static String prefix(Path path, Map<String, StoredTensors.Location> all) {
        List<String> prefixes = all.keySet().stream().filter(n -> n.endsWith(FINAL_NORM))
                .map(n -> n.substring(0, n.length() - FINAL_NORM.length()))
                .filter(p -> p.isEmpty() || p.endsWith(".")).toList();
        if (prefixes.size() != 1) {
            throw new ModelLoadException(path + ": " + (prefixes.isEmpty() ? "no '" + FINAL_NORM + "' tensor: not a"
                    + " T5 encoder (first tensor: '" + all.keySet().stream().findFirst().orElse("none") + "')"
                    : "several T5 encoders (prefixes " + prefixes + "); expected one"));
        }
        return prefixes.get(0);
    }

    private static T5Config configFromShapes(Path path, Map<String, StoredTensors.Location> tensors) {
        long[] shared = shape(path, tensors, SHARED);
        long[] bias = shape(path, tensors, "encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight");
        long[] q = shape(path, tensors, "encoder.block.0.layer.0.SelfAttention.q.weight");
        boolean gated = tensors.containsKey("encoder.block.0.layer.1.DenseReluDense.wi_0.weight");
        long[] wi = shape(path, tensors, "encoder.block.0.layer.1.DenseReluDense." + (gated ? "wi_0" : "wi")
                + ".weight");
        int layers = 0;
        for (String name : tensors.keySet()) {
            Matcher m = BLOCK.matcher(name);
            if (m.matches()) {
                layers = Math.max(layers, Integer.parseInt(m.group(1)) + 1);
            }
        }
        int heads = (int) bias[1];
        if (q[0] % heads != 0) {
            throw new ModelLoadException(path + ": q projection width " + q[0] + " is not a multiple of the "
                    + heads + " heads of the relative attention bias table");
        }
        return new T5Config((int) shared[0], (int) shared[1], (int) (q[0] / heads), (int) wi[0], layers, heads,
                (int) bias[0], 128, 1e-6f, gated ? "gelu_new" : "relu", gated);
    }

    private static long[] shape(Path path, Map<String, StoredTensors.Location> tensors, String name) {
        StoredTensors.Location at = tensors.get(name);
        if (at == null) {
            throw new ModelLoadException(path + ": no tensor '" + name + "': not a T5 encoder this loader knows");
        }
        return at.file().info(at.name()).shape();
    }

    /** The first missing parameter, the first shape mismatch, then the first unused encoder tensor. */
    private static void verify(Path path, String prefix, Map<String, Shape> specs,
            Map<String, StoredTensors.Location> tensors) {
        for (Map.Entry<String, Shape> entry : specs.entrySet()) {
            StoredTensors.Location at = tensors.get(entry.getKey());
            if (at == null) {
                throw new ModelLoadException(path + ": T5 parameter '" + prefix + entry.getKey()
                        + "' is missing; expected shape " + entry.getValue());
            }
            long[] found = at.file().info(at.name()).shape();
            if (!new Shape(found).equals(entry.getValue())) {
                throw new ModelLoadException(at.file().path() + ": T5 parameter '" + at.name() + "' has shape "
                        + Arrays.toString(found) + ", expected " + entry.getValue());
            }
        }
        TreeSet<String> unexpected = new TreeSet<>();
        for (String name : tensors.keySet()) {
            boolean ignored = name.equals(EMBED_TOKENS) || name.startsWith("decoder.") || name.startsWith("lm_head.");
            if (!specs.containsKey(name) && !ignored) {
                unexpected.add(prefix + name);
            }
        }
        if (!unexpected.isEmpty()) {
            throw new ModelLoadException(path + ": unexpected T5 tensor '" + unexpected.first() + "' ("
                    + unexpected.size() + " in all): not a parameter of the T5 encoder its configuration describes");
        }
    }

    /** The safetensors files of a folder: the shards of its index, else model.safetensors, else a variant. */
    private static List<Path> weightFiles(Path dir) {
        Path index = dir.resolve(INDEX);
        if (Files.isRegularFile(index)) {
            return shards(index);
        }
        Path plain = dir.resolve("model.safetensors");
        if (Files.isRegularFile(plain)) {
            return List.of(plain);
        }
        try (Stream<Path> entries = Files.list(dir)) {
            List<String> names = entries.map(p -> p.getFileName().toString()).sorted().toList();
            for (String name : names) {
                if (name.startsWith("model.") && name.endsWith(".safetensors")) {
                    return List.of(dir.resolve(name));
                }
            }
            if (names.stream().anyMatch(n -> n.endsWith(".bin") || n.endsWith(".ckpt") || n.endsWith(".pt"))) {
                throw new ModelLoadException(dir + ": only pickle weights (" + names + "); pickle files are never"
                        + " loaded, convert them to safetensors");
            }
            throw new ModelLoadException(dir + ": no model.safetensors and no " + INDEX + " (found " + names + ")");
        } catch (IOException e) {
            throw new ModelLoadException(dir + ": cannot list: " + e.getMessage(), e);
        }
    }

    private static List<Path> shards(Path index) {
        JsonObject map;
        try {
            JsonElement parsed = JsonParser.parseString(Files.readString(index, StandardCharsets.UTF_8));
            if (!parsed.isJsonObject() || !parsed.getAsJsonObject().has("weight_map")
                    || !parsed.getAsJsonObject().get("weight_map").isJsonObject()) {
                throw new ModelLoadException(index + ": expected an object with a 'weight_map' object");
            }
            map = parsed.getAsJsonObject().getAsJsonObject("weight_map");
        } catch (IOException e) {
            throw new ModelLoadException(index + ": cannot read: " + e.getMessage(), e);
        } catch (JsonParseException e) {
            throw new ModelLoadException(index + ": not valid JSON: " + JsonErrors.describe(e), e);
        }
        TreeSet<String> names = new TreeSet<>();
        for (Map.Entry<String, JsonElement> entry : map.entrySet()) {
            String file = entry.getValue().getAsString();
            if (file.contains("/") || file.contains("\\") || !file.endsWith(".safetensors")) {
                throw new ModelLoadException(index + ": key 'weight_map." + entry.getKey() + "': '" + file
                        + "' is not a safetensors file beside the index");
            }
            names.add(file);
        }
        List<Path> shards = new ArrayList<>();
        for (String name : names) {
            Path shard = index.resolveSibling(name);
            if (!Files.isRegularFile(shard)) {
                throw new ModelLoadException(index + ": lists shard " + name + ", which does not exist");
            }
            shards.add(shard);
        }
        return shards;
    }

    private static SafetensorsFile openFile(Path file) {
        try {
            return SafetensorsFile.open(file);
        } catch (SafetensorsException e) {
            throw new ModelLoadException(e.getMessage(), e);
        }
    }

    private static void refusePickle(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".ckpt") || name.endsWith(".pt") || name.endsWith(".pth") || name.endsWith(".bin")) {
            throw new ModelLoadException(file + ": pickle checkpoints are never loaded; use a .safetensors file");
        }
    }
}
