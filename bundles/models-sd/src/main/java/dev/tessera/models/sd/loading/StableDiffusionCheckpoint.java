package dev.tessera.models.sd.loading;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.ComputeTypes;
import dev.tessera.models.core.DeviceWeights;
import dev.tessera.models.core.ModelLoadException;
import dev.tessera.models.core.ParameterSpecs;
import dev.tessera.models.core.WeightSource;
import dev.tessera.models.core.Weights;
import dev.tessera.models.core.loading.JsonConfig;
import dev.tessera.models.core.loading.PartsWeightSource;
import dev.tessera.models.core.loading.StoredPart;
import dev.tessera.models.sd.AutoencoderKL;
import dev.tessera.models.sd.AutoencoderKLConfig;
import dev.tessera.models.sd.CLIPTextConfig;
import dev.tessera.models.sd.CLIPTextModel;
import dev.tessera.models.sd.UNet2DConditionConfig;
import dev.tessera.models.sd.UNet2DConditionModel;
import dev.tessera.tensor.safetensors.SafetensorsException;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * An SD1.x or SDXL checkpoint opened for use (the family told from the keys or folders, see {@link #family()}): each component's configuration is known and its stored tensors checked
 * against the model (names and shapes, from the file headers) when the checkpoint opens; a component's tensors are
 * read, converted to the compute dtype on the device, and its model built the first time it is asked for. Closing
 * frees every loaded tensor and closes the files.
 *
 * <p>Layouts: a diffusers folder ({@code unet/}, {@code vae/}, {@code text_encoder/}, each a config.json and a
 * safetensors file) or an original single file ({@code model.diffusion_model.*}, {@code first_stage_model.*},
 * {@code cond_stage_model.transformer.*}) with an optional architecture file for what shapes do not tell.
 *
 * <p>SDXL adds a second text encoder (OpenCLIP bigG with its projection: {@link #textEncoder2()}), in diffusers'
 * {@code text_encoder_2/} or the single file's {@code conditioner.embedders.1.model.*} (OpenCLIP names, converted
 * here by {@link OpenClipNames}); its first encoder is {@code conditioner.embedders.0.transformer.*}. The SDXL
 * refiner and SD2.x files are recognised and refused.
 */
public final class StableDiffusionCheckpoint implements AutoCloseable {

    /** The file suffix of an architecture file beside a single-file checkpoint {@code name.safetensors}. */
    public static final String ARCH_SUFFIX = ".arch.json";

    /** {@code name.arch.json} beside {@code name.safetensors}, or null when there is none. */
    public static Path archBeside(Path file) {
        String stem = file.getFileName().toString().replaceFirst("(?i)\\.safetensors$", "");
        Path arch = file.resolveSibling(stem + ARCH_SUFFIX);
        return Files.isRegularFile(arch) ? arch : null;
    }

    /** SDXL's VAE scaling factor (its diffusers vae/config.json and ComfyUI's latent_formats.SDXL). */
    public static final float SDXL_VAE_SCALING = 0.13025f;

    private final Path path;
    private final NDManager parent;
    private final Device device;
    private final DataType dtype;
    private final List<SafetensorsFile> files = new ArrayList<>();
    private final List<DeviceWeights> loaded = new ArrayList<>();
    private final Map<Component<?>, DeviceWeights> weightsByComponent = new LinkedHashMap<>();
    private Component<CLIPTextConfig> text;
    private Component<CLIPTextConfig> text2;
    private CheckpointFamily family = CheckpointFamily.SD1;
    private Component<UNet2DConditionConfig> unet;
    private Component<AutoencoderKLConfig> vae;
    private CLIPTextModel textModel;
    private CLIPTextModel textModel2;
    private UNet2DConditionModel unetModel;
    private AutoencoderKL vaeModel;
    private boolean closed;

    /** One component: its configuration and where each canonical parameter is stored. */
    private record Component<C>(String label, C config, WeightSource source) {
    }

    private StableDiffusionCheckpoint(Path path, NDManager parent, Device device, DataType dtype) {
        ComputeTypes.require(dtype, path.toString());
        this.path = path;
        this.parent = parent;
        this.device = device;
        this.dtype = dtype;
    }

    /**
     * Opens {@code path}: a diffusers folder, or a single safetensors file (with {@code name.arch.json} beside it
     * used as its architecture file when present). Tensors will live on {@code device} in {@code dtype}, in
     * sub-managers of {@code parent}.
     */
    public static StableDiffusionCheckpoint open(Path path, Device device, DataType dtype, NDManager parent) {
        if (Files.isDirectory(path)) {
            return openDiffusers(path, device, dtype, parent);
        }
        String name = path.getFileName().toString();
        Path arch = path.resolveSibling(name.replaceFirst("\\.safetensors$", "") + ARCH_SUFFIX);
        return openSingleFile(path, Files.isRegularFile(arch) ? arch : null, device, dtype, parent);
    }

    /** Opens a diffusers pipeline folder; components whose subfolder is absent are simply not available. */
    public static StableDiffusionCheckpoint openDiffusers(Path folder, Device device, DataType dtype,
            NDManager parent) {
        if (!Files.isDirectory(folder)) {
            throw new ModelLoadException(folder + ": not a directory (expected a diffusers folder with unet/, vae/,"
                    + " text_encoder/)");
        }
        StableDiffusionCheckpoint checkpoint = new StableDiffusionCheckpoint(folder, parent, device, dtype);
        try {
            checkpoint.openDiffusersComponents(folder);
            return checkpoint;
        } catch (RuntimeException e) {
            checkpoint.close();
            throw e;
        }
    }

    /**
     * Opens an original single-file SD1.x checkpoint; {@code archFile} (nullable) overrides the standard SD1.x
     * values that tensor shapes do not determine.
     */
    public static StableDiffusionCheckpoint openSingleFile(Path file, Path archFile, Device device, DataType dtype,
            NDManager parent) {
        refusePickle(file);
        StableDiffusionCheckpoint checkpoint = new StableDiffusionCheckpoint(file, parent, device, dtype);
        try {
            checkpoint.openSingleFileComponents(file, archFile == null ? null : JsonConfig.read(archFile));
            return checkpoint;
        } catch (ModelLoadException e) {
            checkpoint.close();
            if (e.getMessage().startsWith(file.toString()) || e.getMessage().contains(" file " + file)) {
                throw e;
            }
            throw new ModelLoadException(file + (archFile == null
                    ? " (no architecture file: standard SD1.x/SDXL values assumed for heads and norm groups): "
                    : " with architecture file " + archFile + ": ") + e.getMessage(), e);
        } catch (RuntimeException e) {
            checkpoint.close();
            throw e;
        }
    }

    /**
     * Opens a standalone VAE file, as ComfyUI's {@code models/vae} folder holds them: the original layout's keys,
     * bare ({@code encoder.down.0.block.0.conv1.weight}) or under {@code first_stage_model.} (then the file's other
     * components are ignored). {@code archFile} (nullable) overrides through its {@code vae} section. Only
     * {@link #vae()} is available.
     */
    public static StableDiffusionCheckpoint openVaeFile(Path file, Path archFile, Device device, DataType dtype,
            NDManager parent) {
        refusePickle(file);
        StableDiffusionCheckpoint checkpoint = new StableDiffusionCheckpoint(file, parent, device, dtype);
        try {
            checkpoint.openVaeComponent(file, archFile == null ? null : JsonConfig.read(archFile));
            return checkpoint;
        } catch (RuntimeException e) {
            checkpoint.close();
            throw e;
        }
    }

    private void openVaeComponent(Path path, JsonConfig arch) {
        SafetensorsFile file = openFile(path);
        String prefix;
        if (file.contains(SingleFileKeys.VAE_PREFIX + "encoder.conv_in.weight")) {
            prefix = SingleFileKeys.VAE_PREFIX;
        } else if (file.contains("encoder.conv_in.weight") && file.contains("decoder.conv_in.weight")) {
            if (CheckpointFamily.anyStartsWith(file.names(), "encoder.down_blocks.")) {
                throw new ModelLoadException(path + ": a VAE with diffusers parameter names (encoder.down_blocks.*);"
                        + " load it as a diffusers vae/ folder with its config.json, or use an original-layout file");
            }
            prefix = "";
        } else {
            throw new ModelLoadException(path + ": not a VAE file: it has neither 'encoder.conv_in.weight' nor '"
                    + SingleFileKeys.VAE_PREFIX + "encoder.conv_in.weight' (it holds "
                    + CheckpointFamily.detect(file.names()).description() + ")");
        }
        AutoencoderKLConfig config = SingleFileTopology.vae(file, arch == null ? null : arch.section("vae"), prefix);
        Map<String, Shape> specs = vaeSpecs(config);
        Set<String> squeezed = Set.copyOf(specs.keySet().stream().filter(SingleFileKeys::vaeStoredAsConv).toList());
        vae = singleFileComponent("vae", config, file, specs, name -> SingleFileKeys.vae(name, config, prefix),
                squeezed, prefix, name -> name.startsWith(prefix + "loss.") || name.startsWith("model_ema."));
    }

    private static boolean sdxlConfig(UNet2DConditionConfig config) {
        return config.addedConditioning();
    }

    private void openDiffusersComponents(Path folder) {
        Path unetDir = folder.resolve("unet");
        if (Files.isDirectory(unetDir)) {
            UNet2DConditionConfig config = DiffusersConfigs.unet(unetDir.resolve("config.json"));
            SafetensorsFile file = openFile(weightFile(unetDir, "diffusion_pytorch_model"));
            unet = diffusersComponent("unet", config, file, unetSpecs(config), name -> name, name -> false);
            if (sdxlConfig(config)) {
                family = CheckpointFamily.SDXL;
            }
        }
        Path vaeDir = folder.resolve("vae");
        if (Files.isDirectory(vaeDir)) {
            AutoencoderKLConfig config = DiffusersConfigs.vae(vaeDir.resolve("config.json"));
            SafetensorsFile file = openFile(weightFile(vaeDir, "diffusion_pytorch_model"));
            vae = diffusersComponent("vae", config, file, vaeSpecs(config), name -> name, name -> false);
        }
        Path textDir = folder.resolve("text_encoder");
        if (Files.isDirectory(textDir)) {
            CLIPTextConfig config = DiffusersConfigs.textEncoder(textDir.resolve("config.json"));
            SafetensorsFile file = openFile(weightFile(textDir, "model"));
            String level = file.contains("text_model.embeddings.token_embedding.weight") ? "text_model." : "";
            text = diffusersComponent("text encoder", config, file, textSpecs(config), level::concat,
                    StableDiffusionCheckpoint::harmlessTextTensor);
        }
        Path text2Dir = folder.resolve("text_encoder_2");
        if (Files.isDirectory(text2Dir)) {
            CLIPTextConfig config = DiffusersConfigs.textEncoder(text2Dir.resolve("config.json"));
            SafetensorsFile file = openFile(weightFile(text2Dir, "model"));
            String level = file.contains("text_model.embeddings.token_embedding.weight") ? "text_model." : "";
            // CLIPTextModelWithProjection keeps text_projection beside text_model, not inside it.
            text2 = diffusersComponent("text encoder 2", config, file, textSpecs(config),
                    name -> name.startsWith("text_projection.") ? name : level + name,
                    StableDiffusionCheckpoint::harmlessTextTensor);
            family = CheckpointFamily.SDXL;
        }
        if (unet == null && vae == null && text == null) {
            throw new ModelLoadException(folder + ": no unet/, vae/ or text_encoder/ subfolder: not a diffusers"
                    + " Stable Diffusion folder");
        }
    }

    private <C> Component<C> diffusersComponent(String label, C config, SafetensorsFile file,
            Map<String, Shape> specs, Function<String, String> toStored, Predicate<String> harmless) {
        Map<String, String> stored = new LinkedHashMap<>();
        specs.keySet().forEach(name -> stored.put(name, toStored.apply(name)));
        ComponentCheck.verify(label, file, specs, stored, Set.of(), name -> true, harmless);
        return new Component<>(label, config, new SafetensorsWeightSource(file, stored, Set.of()));
    }

    private void openSingleFileComponents(Path path, JsonConfig arch) {
        SafetensorsFile file = openFile(path);
        CheckpointFamily detected = CheckpointFamily.detect(file.names());
        if (detected == CheckpointFamily.SDXL && CheckpointFamily.anyStartsWith(file.names(),
                SingleFileKeys.SDXL_REFINER_TEXT_PREFIX)) {
            throw new ModelLoadException(path + ": this is the Stable Diffusion XL refiner (a single OpenCLIP-G text"
                    + " encoder, aesthetic-score conditioning), which is not supported; use an SDXL base checkpoint");
        }
        if (detected != CheckpointFamily.SD1 && detected != CheckpointFamily.SDXL) {
            throw new ModelLoadException(path + ": this is " + detected.description() + ", not a Stable Diffusion"
                    + " 1.x or XL checkpoint" + (detected == CheckpointFamily.UNKNOWN ? " (first tensor: '"
                    + file.names().stream().findFirst().orElse("none") + "')" : ""));
        }
        family = detected;
        if (file.contains(SingleFileKeys.UNET_PREFIX + "input_blocks.0.0.weight")) {
            UNet2DConditionConfig config = SingleFileTopology.unet(file, arch == null ? null : arch.section("unet"));
            if (family == CheckpointFamily.SDXL && !sdxlConfig(config)) {
                throw new ModelLoadException(path + ": an SDXL checkpoint (conditioner.embedders.*) whose UNet has no"
                        + " added conditioning (model.diffusion_model.label_emb.*)");
            }
            Map<String, Shape> specs = unetSpecs(config);
            unet = singleFileComponent("unet", config, file, specs, name -> SingleFileKeys.unet(name, config),
                    Set.of(), SingleFileKeys.UNET_PREFIX, name -> false);
        }
        if (file.contains(SingleFileKeys.VAE_PREFIX + "encoder.conv_in.weight")) {
            JsonConfig vaeArch = arch == null ? null : arch.section("vae");
            AutoencoderKLConfig found = SingleFileTopology.vae(file, vaeArch);
            // SDXL's VAE is SD's topology; its latents are scaled by 0.13025 unless the architecture file says.
            AutoencoderKLConfig config = family == CheckpointFamily.SDXL
                    && (vaeArch == null || !vaeArch.has("scaling_factor"))
                    ? found.withFactors(SDXL_VAE_SCALING, found.shiftFactor()) : found;
            Map<String, Shape> specs = vaeSpecs(config);
            Set<String> squeezed = Set.copyOf(specs.keySet().stream().filter(SingleFileKeys::vaeStoredAsConv).toList());
            vae = singleFileComponent("vae", config, file, specs, name -> SingleFileKeys.vae(name, config), squeezed,
                    SingleFileKeys.VAE_PREFIX, name -> name.startsWith(SingleFileKeys.VAE_PREFIX + "loss."));
        }
        String textPrefix = family == CheckpointFamily.SDXL ? SingleFileKeys.SDXL_TEXT_PREFIX
                : SingleFileKeys.TEXT_PREFIX;
        if (CheckpointFamily.anyStartsWith(file.names(), textPrefix)) {
            CLIPTextConfig config = SingleFileTopology.textEncoder(file,
                    arch == null ? null : arch.section("text_encoder"), textPrefix);
            boolean level = SingleFileTopology.textModelLevel(file, textPrefix);
            text = singleFileComponent("text encoder", config, file, textSpecs(config),
                    name -> SingleFileKeys.textEncoder(name, level, textPrefix), Set.of(), textPrefix,
                    StableDiffusionCheckpoint::harmlessTextTensor);
        }
        String openClip = SingleFileKeys.SDXL_TEXT2_PREFIX;
        if (family == CheckpointFamily.SDXL && CheckpointFamily.anyStartsWith(file.names(), openClip)) {
            CLIPTextConfig config = SingleFileTopology.openClipTextEncoder(file,
                    arch == null ? null : arch.section("text_encoder_2"), openClip);
            Map<String, Shape> specs = textSpecs(config);
            Map<String, StoredPart> parts = OpenClipNames.parts(file, openClip, specs);
            ComponentCheck.verifyParts("text encoder 2", file, specs, parts, name -> name.startsWith(openClip),
                    name -> name.endsWith("logit_scale") || name.endsWith("attn_mask"));
            text2 = new Component<>("text encoder 2", config, new PartsWeightSource(parts));
        }
    }

    private <C> Component<C> singleFileComponent(String label, C config, SafetensorsFile file,
            Map<String, Shape> specs, Function<String, String> toStored, Set<String> squeezed, String prefix,
            Predicate<String> harmless) {
        Map<String, String> stored = new LinkedHashMap<>();
        specs.keySet().forEach(name -> stored.put(name, toStored.apply(name)));
        ComponentCheck.verify(label, file, specs, stored, squeezed, name -> name.startsWith(prefix), harmless);
        return new Component<>(label, config, new SafetensorsWeightSource(file, stored, squeezed));
    }

    private static boolean harmlessTextTensor(String stored) {
        return stored.endsWith("position_ids") || stored.endsWith("text_projection.weight");
    }

    private static Map<String, Shape> unetSpecs(UNet2DConditionConfig config) {
        return ParameterSpecs.of(weights -> new UNet2DConditionModel(config, weights, DataType.FLOAT32));
    }

    private static Map<String, Shape> vaeSpecs(AutoencoderKLConfig config) {
        return ParameterSpecs.of(weights -> new AutoencoderKL(config, weights, DataType.FLOAT32));
    }

    private static Map<String, Shape> textSpecs(CLIPTextConfig config) {
        return ParameterSpecs.of(weights -> new CLIPTextModel(config, weights, DataType.FLOAT32));
    }

    private SafetensorsFile openFile(Path file) {
        try {
            SafetensorsFile opened = SafetensorsFile.open(file);
            files.add(opened);
            return opened;
        } catch (SafetensorsException e) {
            throw new ModelLoadException(e.getMessage(), e);
        }
    }

    /** The safetensors weights of a diffusers component folder: {@code base.safetensors}, else a variant. */
    private static Path weightFile(Path dir, String base) {
        Path plain = dir.resolve(base + ".safetensors");
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            List<String> names = entries.map(p -> p.getFileName().toString()).sorted().toList();
            for (String name : names) {
                if (name.startsWith(base + ".") && name.endsWith(".safetensors")) {
                    return dir.resolve(name);
                }
            }
            if (names.stream().anyMatch(n -> n.endsWith(".safetensors.index.json"))) {
                throw new ModelLoadException(dir + ": sharded safetensors (an index.json) are not supported yet");
            }
            if (names.stream().anyMatch(n -> n.endsWith(".bin") || n.endsWith(".ckpt") || n.endsWith(".pt"))) {
                throw new ModelLoadException(dir + ": only pickle weights (" + names + "); pickle files are never"
                        + " loaded, convert them to safetensors");
            }
            throw new ModelLoadException(dir + ": no " + base + ".safetensors (found " + names + ")");
        } catch (IOException e) {
            throw new ModelLoadException(dir + ": cannot list: " + e.getMessage(), e);
        }
    }

    private static void refusePickle(Path file) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".ckpt") || name.endsWith(".pt") || name.endsWith(".pth") || name.endsWith(".bin")) {
            throw new ModelLoadException(file + ": pickle checkpoints are never loaded; use a .safetensors file");
        }
    }

    public Path path() {
        return path;
    }

    public boolean hasUnet() {
        return unet != null;
    }

    public boolean hasVae() {
        return vae != null;
    }

    public boolean hasTextEncoder() {
        return text != null;
    }

    /** Whether the checkpoint has SDXL's second text encoder (OpenCLIP bigG with projection). */
    public boolean hasTextEncoder2() {
        return text2 != null;
    }

    /** {@link CheckpointFamily#SD1} or {@link CheckpointFamily#SDXL}. */
    public CheckpointFamily family() {
        return family;
    }

    public UNet2DConditionConfig unetConfig() {
        return require(unet, "unet").config();
    }

    public AutoencoderKLConfig vaeConfig() {
        return require(vae, "vae").config();
    }

    public CLIPTextConfig textEncoderConfig() {
        return require(text, "text encoder").config();
    }

    public CLIPTextConfig textEncoder2Config() {
        return require(text2, "text encoder 2").config();
    }

    /** The UNet, its tensors read on first call. */
    public synchronized UNet2DConditionModel unet() {
        if (unetModel == null) {
            unetModel = new UNet2DConditionModel(unetConfig(), weights(unet), dtype);
        }
        return unetModel;
    }

    /** The VAE, its tensors read on first call. */
    public synchronized AutoencoderKL vae() {
        if (vaeModel == null) {
            vaeModel = new AutoencoderKL(vaeConfig(), weights(vae), dtype);
        }
        return vaeModel;
    }

    /** The text encoder, its tensors read on first call. */
    public synchronized CLIPTextModel textEncoder() {
        if (textModel == null) {
            textModel = new CLIPTextModel(textEncoderConfig(), weights(text), dtype);
        }
        return textModel;
    }

    /** SDXL's second text encoder, its tensors read on first call. */
    public synchronized CLIPTextModel textEncoder2() {
        if (textModel2 == null) {
            textModel2 = new CLIPTextModel(textEncoder2Config(), weights(text2), dtype);
        }
        return textModel2;
    }

    /** The second text encoder's base weights (see {@link #unetWeights()}). */
    public synchronized Weights textEncoder2Weights() {
        textEncoder2();
        return weightsOf(text2);
    }

    /**
     * The UNet's base weights, for building a patched model over them (see {@link
     * dev.tessera.models.core.PatchedWeights}); reads the UNet's tensors if not yet read.
     */
    public synchronized Weights unetWeights() {
        unet();
        return weightsOf(unet);
    }

    /** The VAE's weights (see {@link #unetWeights()}), e.g. to write them in another layout. */
    public synchronized Weights vaeWeights() {
        vae();
        return weightsOf(vae);
    }

    /** The text encoder's base weights (see {@link #unetWeights()}). */
    public synchronized Weights textEncoderWeights() {
        textEncoder();
        return weightsOf(text);
    }

    private DeviceWeights weights(Component<?> component) {
        if (closed) {
            throw new IllegalStateException(path + ": checkpoint is closed");
        }
        return weightsByComponent.computeIfAbsent(component, c -> {
            DeviceWeights weights = new DeviceWeights(c.source(), parent.newSubManager(device), dtype);
            loaded.add(weights);
            return weights;
        });
    }

    private DeviceWeights weightsOf(Component<?> component) {
        return weightsByComponent.get(component);
    }

    private <C> Component<C> require(Component<C> component, String label) {
        if (component == null) {
            throw new ModelLoadException(path + ": this checkpoint has no " + label + " (unet: " + hasUnet()
                    + ", vae: " + hasVae() + ", text encoder: " + hasTextEncoder()
                    + (family == CheckpointFamily.SDXL ? ", text encoder 2: " + hasTextEncoder2() : "") + ")");
        }
        return component;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        loaded.forEach(DeviceWeights::close);
        loaded.clear();
        files.forEach(SafetensorsFile::close);
        files.clear();
        unetModel = null;
        vaeModel = null;
        textModel = null;
        textModel2 = null;
    }
}
