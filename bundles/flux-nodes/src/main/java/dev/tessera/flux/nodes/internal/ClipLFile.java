package dev.tessera.flux.nodes.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.ModelLoadException;
import dev.tessera.models.core.ParameterSpecs;
import dev.tessera.models.core.WeightSource;
import dev.tessera.models.sd.CLIPTextConfig;
import dev.tessera.models.sd.CLIPTextModel;
import dev.tessera.models.sd.loading.DiffusersConfigs;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A standalone CLIP text encoder file as ComfyUI's {@code text_encoders}/{@code clip} folders hold them
 * ({@code clip_l.safetensors}: transformers' names, usually under {@code text_model.}, any prefix before that), as
 * a {@link WeightSource} under {@link CLIPTextModel}'s names. The configuration is transformers' {@code config.json}
 * beside a {@code model*.safetensors} or {@code <name>.config.json} beside any file; without one it comes from the
 * shapes, with CLIP's head width 64 and the legacy end-token pooling (argmax of the ids) that OpenAI's CLIP-L uses.
 */
final class ClipLFile implements WeightSource, AutoCloseable {

    static final String TOKEN_EMBEDDING = "embeddings.token_embedding.weight";
    private static final int CLIP_HEAD_DIM = 64;

    private final SafetensorsFile file;
    private final String prefix;
    private final CLIPTextConfig config;
    private final Map<String, Shape> specs;

    private ClipLFile(SafetensorsFile file, String prefix, CLIPTextConfig config, Map<String, Shape> specs) {
        this.file = file;
        this.prefix = prefix;
        this.config = config;
        this.specs = specs;
    }

    /** The prefix before {@code embeddings.token_embedding.weight}, or null when the names are not a CLIP's. */
    static String prefixOf(Set<String> names) {
        for (String name : names) {
            if (name.endsWith(TOKEN_EMBEDDING) && !name.contains("vision")) {
                return name.substring(0, name.length() - TOKEN_EMBEDDING.length());
            }
        }
        return null;
    }

    /** Opens and checks every parameter's name and shape; reads no tensor data. */
    static ClipLFile open(Path path, SafetensorsFile file) {
        String prefix = prefixOf(file.names());
        if (prefix == null) {
            throw new ModelLoadException(path + ": not a CLIP text encoder (no '*" + TOKEN_EMBEDDING + "')");
        }
        Path config = configFile(path);
        CLIPTextConfig parsed = config != null ? DiffusersConfigs.textEncoder(config) : fromShapes(path, file, prefix);
        Map<String, Shape> specs = ParameterSpecs.of(w -> new CLIPTextModel(parsed, w, DataType.FLOAT32));
        for (Map.Entry<String, Shape> spec : specs.entrySet()) {
            String stored = prefix + spec.getKey();
            if (!file.contains(stored)) {
                throw new ModelLoadException(path + ": CLIP parameter '" + stored + "' is missing; expected shape "
                        + spec.getValue() + (config == null ? " (configuration from the shapes)"
                        : " (configuration " + config + ")"));
            }
            Shape have = new Shape(file.info(stored).shape());
            if (!have.equals(spec.getValue())) {
                throw new ModelLoadException(path + ": CLIP parameter '" + stored + "' has shape " + have
                        + ", expected " + spec.getValue());
            }
        }
        return new ClipLFile(file, prefix, parsed, specs);
    }

    private static Path configFile(Path path) {
        String name = path.getFileName().toString();
        Path own = path.resolveSibling(name.replaceFirst("(?i)\\.safetensors$", "") + ".config.json");
        if (Files.isRegularFile(own)) {
            return own;
        }
        Path folder = path.resolveSibling("config.json");
        return name.startsWith("model") && Files.isRegularFile(folder) ? folder : null;
    }

    private static CLIPTextConfig fromShapes(Path path, SafetensorsFile file, String prefix) {
        long[] tokens = file.info(prefix + TOKEN_EMBEDDING).shape();
        String positionsName = prefix + "embeddings.position_embedding.weight";
        String fc1 = prefix + "encoder.layers.0.mlp.fc1.weight";
        if (!file.contains(positionsName) || !file.contains(fc1)) {
            throw new ModelLoadException(path + ": CLIP text encoder without '" + (file.contains(positionsName) ? fc1
                    : positionsName) + "'");
        }
        Pattern layer = Pattern.compile(Pattern.quote(prefix) + "encoder\\.layers\\.(\\d+)\\.mlp\\.fc1\\.weight");
        int layers = 0;
        for (String name : file.names()) {
            Matcher m = layer.matcher(name);
            if (m.matches()) {
                layers = Math.max(layers, Integer.parseInt(m.group(1)) + 1);
            }
        }
        int hidden = (int) tokens[1];
        if (hidden % CLIP_HEAD_DIM != 0) {
            throw new ModelLoadException(path + ": width " + hidden + " is not a multiple of CLIP's head width "
                    + CLIP_HEAD_DIM + "; give the heads in a transformers config beside it ("
                    + path.getFileName().toString().replaceFirst("(?i)\\.safetensors$", "") + ".config.json)");
        }
        return new CLIPTextConfig((int) tokens[0], hidden, (int) file.info(fc1).shape()[0], layers,
                hidden / CLIP_HEAD_DIM, (int) file.info(positionsName).shape()[0], "quick_gelu", 1e-5f,
                CLIPTextConfig.LEGACY_EOS_TOKEN_ID);
    }

    CLIPTextConfig config() {
        return config;
    }

    @Override
    public Set<String> names() {
        return specs.keySet();
    }

    @Override
    public Optional<Shape> shape(String name) {
        String stored = prefix + name;
        return file.contains(stored) ? Optional.of(new Shape(file.info(stored).shape())) : Optional.empty();
    }

    @Override
    public NDArray load(String name, NDManager manager) {
        return file.load(prefix + name, manager);
    }

    @Override
    public String describe(String name) {
        return "stored as '" + prefix + name + "' in " + file.path();
    }

    @Override
    public void close() {
        file.close();
    }

    @Override
    public String toString() {
        return "CLIP " + file.path() + " " + Arrays.toString(new int[] {config.hiddenSize(), config.numHiddenLayers()});
    }
}
