package dev.tessera.models.llm.loading;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.llm.CausalLM;
import dev.tessera.models.llm.ChatTokenizer;
import dev.tessera.models.llm.LlmConfig;
import dev.tessera.models.core.ComputeTypes;
import dev.tessera.models.core.DeviceWeights;
import dev.tessera.models.core.ModelLoadException;
import dev.tessera.models.core.ParameterSpecs;
import dev.tessera.models.core.loading.JsonConfig;
import dev.tessera.models.core.loading.StoredTensors;
import dev.tessera.models.core.loading.TransformersFolder;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A LLaMA or Qwen2 model folder opened for use: its configuration read and every stored tensor checked against the
 * model (names and shapes, from the file headers) when it opens; tensors are read, converted to the compute dtype
 * on the device and the model built on first {@link #model()}; the tokenizer is read on first {@link #tokenizer()}.
 * Closing frees the tensors, the tokenizer and the files.
 *
 * <p>Layout: transformers' ({@code config.json}, {@code model.safetensors} or shards with
 * {@code model.safetensors.index.json}, {@code tokenizer.json}, {@code tokenizer_config.json}). A Janus-Pro folder
 * converted to safetensors works too: its {@code config.json} has the language model's config under
 * {@code language_config} and its tensors are under {@code language_model.}; the vision parts are ignored.
 */
public final class LlmCheckpoint implements AutoCloseable {

    static final String FINAL_NORM = "model.norm.weight";

    private final Path folder;
    private final LlmConfig config;
    private final String prefix;
    private final List<SafetensorsFile> files;
    private final StoredTensors stored;
    private final NDManager manager;
    private final DataType dtype;
    private DeviceWeights weights;
    private CausalLM model;
    private ChatTokenizer tokenizer;

    private LlmCheckpoint(Path folder, LlmConfig config, String prefix, List<SafetensorsFile> files,
            StoredTensors stored, NDManager manager, DataType dtype) {
        this.folder = folder;
        this.config = config;
        this.prefix = prefix;
        this.files = files;
        this.stored = stored;
        this.manager = manager;
        this.dtype = dtype;
    }

    /** Opens a model folder; tensors will live on {@code device} in {@code dtype}, in a sub-manager of {@code parent}. */
    public static LlmCheckpoint open(Path folder, Device device, DataType dtype, NDManager parent) {
        ComputeTypes.require(dtype, "language model " + folder);
        TransformersFolder.refusePickle(folder);
        if (!Files.isDirectory(folder)) {
            throw new ModelLoadException(folder + ": " + (Files.exists(folder) ? "not a folder" : "no such folder")
                    + " (expected a transformers model folder with config.json and safetensors weights)");
        }
        Path configFile = folder.resolve("config.json");
        if (!Files.isRegularFile(configFile)) {
            throw new ModelLoadException(folder + ": no config.json: not a transformers model folder");
        }
        LlmConfig config = LlmConfigJson.read(LlmConfigJson.languageSection(JsonConfig.read(configFile)));
        List<SafetensorsFile> files = new ArrayList<>();
        try {
            Map<String, StoredTensors.Location> all = new LinkedHashMap<>();
            for (Path file : TransformersFolder.weightFiles(folder)) {
                SafetensorsFile opened = TransformersFolder.openFile(file);
                files.add(opened);
                opened.names().forEach(name -> all.putIfAbsent(name, new StoredTensors.Location(opened, name)));
            }
            String prefix = TransformersFolder.prefixBefore(folder, all.keySet(), FINAL_NORM, "LLaMA/Qwen2 causal LM");
            Map<String, Shape> specs = ParameterSpecs.of(w -> new CausalLM(config, w, DataType.FLOAT32));
            Map<String, StoredTensors.Location> canonical = new LinkedHashMap<>();
            for (Map.Entry<String, Shape> spec : specs.entrySet()) {
                StoredTensors.Location at = all.get(prefix + spec.getKey());
                if (at == null) {
                    throw new ModelLoadException(folder + ": " + config.architecture().modelType() + " parameter '"
                            + prefix + spec.getKey() + "' is missing; expected shape " + spec.getValue()
                            + (spec.getKey().equals("lm_head.weight") ? " (config.json says the embeddings are not"
                            + " tied)" : ""));
                }
                Shape found = new Shape(at.file().info(at.name()).shape());
                if (!found.equals(spec.getValue())) {
                    throw new ModelLoadException(at.file().path() + ": parameter '" + at.name() + "' has shape "
                            + found + ", expected " + spec.getValue() + " (from " + configFile + ")");
                }
                canonical.put(spec.getKey(), at);
            }
            String layerBeyond = prefix + "model.layers." + config.numLayers() + ".";
            all.keySet().stream().filter(n -> n.startsWith(layerBeyond)).findFirst().ifPresent(n -> {
                throw new ModelLoadException(folder + ": tensor '" + n + "' belongs to a layer beyond the "
                        + config.numLayers() + " of config.json's num_hidden_layers");
            });
            return new LlmCheckpoint(folder, config, prefix, files, new StoredTensors(canonical),
                    parent.newSubManager(device), dtype);
        } catch (RuntimeException e) {
            files.forEach(SafetensorsFile::close);
            throw e;
        }
    }

    public Path folder() {
        return folder;
    }

    public LlmConfig config() {
        return config;
    }

    public DataType dataType() {
        return dtype;
    }

    /** The prefix of the stored names ({@code language_model.} for Janus-Pro, else empty). */
    public String prefix() {
        return prefix;
    }

    /** The decoder, built (and its tensors read) on first use. */
    public synchronized CausalLM model() {
        if (model == null) {
            weights = new DeviceWeights(stored, manager, dtype);
            model = new CausalLM(config, weights, dtype);
        }
        return model;
    }

    /** The folder's tokenizer ({@code tokenizer.json} with {@code tokenizer_config.json}), read on first use. */
    public synchronized ChatTokenizer tokenizer() {
        if (tokenizer == null) {
            tokenizer = TokenizerFiles.read(folder);
        }
        return tokenizer;
    }

    @Override
    public synchronized void close() {
        model = null;
        if (weights != null) {
            weights.close();
        } else {
            manager.close();
        }
        if (tokenizer != null) {
            tokenizer.close();
        }
        files.forEach(SafetensorsFile::close);
    }
}
