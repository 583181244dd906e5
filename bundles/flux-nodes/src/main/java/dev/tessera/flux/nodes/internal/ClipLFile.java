package dev.tessera.flux.nodes.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.model.api.ParameterView;
import dev.tessera.models.core.DeviceWeights;
import dev.tessera.models.core.ModelLoadException;
import dev.tessera.models.core.ParameterSpecs;
import dev.tessera.models.core.WeightSource;
import dev.tessera.models.core.loading.JsonConfig;
import dev.tessera.models.sd.CLIPTextConfig;
import dev.tessera.models.sd.CLIPTextModel;
import dev.tessera.models.sd.loading.DiffusersConfigs;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
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
 * shapes, with CLIP's head width 64, the legacy end-token pooling (argmax of the ids) that OpenAI's CLIP-L uses,
 * gelu for a model of 31 layers or more (OpenCLIP bigG, SD3's CLIP-G; quick_gelu otherwise) and the text projection
 * when the file has one. transformers keeps {@code text_projection.weight} beside {@code text_model.}, not under it:
 * it is looked up there.
 */
final class ClipLFile implements WeightSource, AutoCloseable {

    static final String TOKEN_EMBEDDING = "embeddings.token_embedding.weight";
    private static final int CLIP_HEAD_DIM = 64;
    private static final String PROJECTION = "text_projection.weight";
    private static final String TEXT_MODEL = "text_model.";
    /** ComfyUI tells OpenCLIP bigG (CLIP-G) from CLIP-L by a 31st layer ({@code detect_te_model}). */
    static final int BIG_G_LAYERS = 31;

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
        return open(path, file, prefix);
    }

    /**
     * The CLIP whose names start with {@code prefix} (a file may hold several, as SD3's all-in-one checkpoints:
     * {@code text_encoders.clip_l.transformer.text_model.}); takes ownership of {@code file} only on success.
     */
    static ClipLFile open(Path path, SafetensorsFile file, String prefix) {
        Path config = configFile(path);
        return open(path, file, prefix, config, config != null ? DiffusersConfigs.textEncoder(config)
                : fromShapes(path, file, prefix, null, 0));
    }

    /**
     * A CLIP inside a checkpoint that holds other models too (SD3's {@code text_encoders.clip_g.transformer.}):
     * its configuration from the shapes, with the activation its place in the checkpoint tells ({@code gelu} for
     * CLIP-G, {@code quick_gelu} for CLIP-L; the shapes of a small model do not), and what {@code arch} (the
     * checkpoint's architecture file section for this encoder, nullable) states: {@code num_attention_heads},
     * {@code hidden_act}, {@code eos_token_id}.
     */
    static ClipLFile openEmbedded(Path path, SafetensorsFile file, String prefix, String hiddenAct, JsonConfig arch) {
        CLIPTextConfig shapes = fromShapes(path, file, prefix, hiddenAct,
                arch == null ? 0 : arch.integer("num_attention_heads", 0));
        CLIPTextConfig config = arch == null ? shapes : new CLIPTextConfig(shapes.vocabSize(), shapes.hiddenSize(),
                shapes.intermediateSize(), shapes.numHiddenLayers(), shapes.numAttentionHeads(),
                shapes.maxPositionEmbeddings(), arch.string("hidden_act", shapes.hiddenAct()), shapes.layerNormEps(),
                arch.integer("eos_token_id", shapes.eosTokenId()), shapes.projectionDim());
        return open(path, file, prefix, null, config);
    }

    private static ClipLFile open(Path path, SafetensorsFile file, String prefix, Path config, CLIPTextConfig parsed) {
        Map<String, Shape> specs = ParameterSpecs.of(w -> new CLIPTextModel(parsed, w, DataType.FLOAT32));
        for (Map.Entry<String, Shape> spec : specs.entrySet()) {
            String stored = stored(file, prefix, spec.getKey());
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

    /**
     * Where {@code name} is stored: under the prefix, except {@code text_projection.weight}, which transformers'
     * CLIPTextModelWithProjection keeps beside {@code text_model.}, not inside it (SD3's clip_g.safetensors).
     */
    private static String stored(SafetensorsFile file, String prefix, String name) {
        String inside = prefix + name;
        if (!name.startsWith(PROJECTION) || file.contains(inside) || !prefix.endsWith(TEXT_MODEL)) {
            return inside;
        }
        return prefix.substring(0, prefix.length() - TEXT_MODEL.length()) + name;
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

    /** {@code heads} 0: CLIP's heads of 64. */
    private static CLIPTextConfig fromShapes(Path path, SafetensorsFile file, String prefix, String hiddenAct,
            int heads) {
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
        if (heads == 0 && hidden % CLIP_HEAD_DIM != 0) {
            throw new ModelLoadException(path + ": width " + hidden + " is not a multiple of CLIP's head width "
                    + CLIP_HEAD_DIM + "; give the heads in a transformers config beside it ("
                    + path.getFileName().toString().replaceFirst("(?i)\\.safetensors$", "") + ".config.json)");
        }
        // OpenCLIP bigG uses gelu, OpenAI's CLIP-L quick_gelu (ComfyUI's clip_config_bigg.json / clip_l's config).
        CLIPTextConfig config = new CLIPTextConfig((int) tokens[0], hidden, (int) file.info(fc1).shape()[0], layers,
                heads != 0 ? heads : hidden / CLIP_HEAD_DIM, (int) file.info(positionsName).shape()[0],
                hiddenAct != null ? hiddenAct : layers >= BIG_G_LAYERS ? "gelu" : "quick_gelu", 1e-5f, CLIPTextConfig.LEGACY_EOS_TOKEN_ID);
        String projection = stored(file, prefix, PROJECTION);
        return file.contains(projection) ? config.withProjection((int) file.info(projection).shape()[0]) : config;
    }

    CLIPTextConfig config() {
        return config;
    }

    /**
     * These parameters as a text encoder's, for weight patches to read (read only).
     *
     * @param component the component name LoRA tables key on ({@code text_encoder}, {@code clip_l}, {@code clip_g})
     * @param what how errors name this encoder
     */
    ParameterView view(DeviceWeights weights, String component, String what) {
        return new ParameterView() {
            @Override
            public String component() {
                return component;
            }

            @Override
            public Set<String> names() {
                return ClipLFile.this.names();
            }

            @Override
            public Shape shape(String name) {
                return ClipLFile.this.shape(name).orElseThrow(() -> new IllegalArgumentException(
                        what + " has no parameter '" + name + "'"));
            }

            @Override
            public NDArray get(String name) {
                return weights.get(name, shape(name));
            }

            @Override
            public DataType dataType() {
                return weights.dataType();
            }
        };
    }

    /**
     * Refuses {@code patch} when it would change any weight of {@code views} (LoRA on these text encoders is not
     * supported yet); a patch that changes none (a LoRA without text-encoder modules, or strength 0) passes.
     *
     * @param family how the message names the encoders, e.g. {@code FLUX's}
     */
    static void refuseChanges(dev.tessera.model.api.ModelPatch patch, String family, List<ParameterView> views,
            NDManager parent) {
        if (!(patch instanceof dev.tessera.model.api.WeightPatch weights)) {
            throw new IllegalArgumentException(family + " text encoders take weight (LoRA) patches only, not "
                    + patch.key());
        }
        try (NDManager scratch = parent.newSubManager()) {
            for (ParameterView view : views) {
                int changed = weights.apply(view, scratch).size();
                if (changed > 0) {
                    throw new IllegalArgumentException("LoRA on " + family + " text encoders is not supported yet: "
                            + patch.key() + " changes " + changed + " " + view.component() + " weights; set"
                            + " strength_clip to 0 or use LoraLoaderModelOnly");
                }
            }
        }
    }

    @Override
    public Set<String> names() {
        return specs.keySet();
    }

    @Override
    public Optional<Shape> shape(String name) {
        String stored = stored(file, prefix, name);
        return file.contains(stored) ? Optional.of(new Shape(file.info(stored).shape())) : Optional.empty();
    }

    @Override
    public NDArray load(String name, NDManager manager) {
        return file.load(stored(file, prefix, name), manager);
    }

    @Override
    public String describe(String name) {
        return "stored as '" + stored(file, prefix, name) + "' in " + file.path();
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
