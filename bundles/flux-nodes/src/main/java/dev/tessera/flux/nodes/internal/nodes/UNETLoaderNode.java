package dev.tessera.flux.nodes.internal.nodes;

import ai.djl.ndarray.NDManager;
import dev.tessera.flux.nodes.internal.FluxDiffusionModel;
import dev.tessera.flux.nodes.internal.Sd3DiffusionModel;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.Folders;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.model.api.DiffusionModel;
import dev.tessera.models.core.ModelLoadException;
import dev.tessera.models.dit.loading.FluxCheckpoint;
import dev.tessera.models.dit.loading.Sd3Checkpoint;
import dev.tessera.tensor.TensorRuntime;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ComfyUI's UNETLoader ("Load Diffusion Model"): a diffusion model alone from the {@code diffusion_models} folder.
 * The family is detected from the tensor names (a diffusers folder's from its config): FLUX transformers (BFL
 * single file, bare or under {@code model.diffusion_model.}, or diffusers names) and SD3 / SD3.5 MMDiTs (original
 * {@code joint_blocks} layout, bare or under {@code model.diffusion_model.}, or a diffusers folder) load, with
 * {@code <name>.arch.json} beside the file when present. {@code weight_dtype} keeps ComfyUI's choices; only {@code default} (the runtime's compute type) is
 * supported: fp8 storage has no DJL type.
 */
@Component(service = NodeType.class)
public final class UNETLoaderNode implements NodeType {

    static final String FOLDER = "diffusion_models";
    static final List<String> WEIGHT_DTYPES = List.of("default", "fp8_e4m3fn", "fp8_e4m3fn_fast", "fp8_e5m2");

    private final Folders folders;
    private final TensorRuntime tensors;
    private final NodeDescriptor descriptor;

    @Activate
    public UNETLoaderNode(@Reference Folders folders, @Reference TensorRuntime tensors) {
        this.folders = folders;
        this.tensors = tensors;
        this.descriptor = NodeDescriptor.builder("UNETLoader")
                .displayName("Load Diffusion Model")
                .category("advanced/loaders")
                .input(InputSpec.combo("unet_name", () -> folders.listModelFiles(FOLDER, List.of(".safetensors")),
                        null))
                .input(InputSpec.combo("weight_dtype", WEIGHT_DTYPES))
                .output("MODEL", ValueType.MODEL)
                .build();
    }

    @Override
    public NodeDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        String dtype = inputs.getString("weight_dtype");
        if (!dtype.equals("default")) {
            throw NodeException.invalidInput("weight_dtype", "'" + dtype + "' is not supported: fp8 weights have no"
                    + " tensor type here; use 'default' (the runtime's compute type, " + tensors.computeType() + ")");
        }
        Path file;
        try {
            file = folders.resolveModelFile(FOLDER, inputs.getString("unet_name"));
        } catch (NodeException e) {
            throw NodeException.invalidInput("unet_name", e.getMessage());
        }
        boolean sd3 = family(file);
        NDManager manager = tensors.newManager("UNETLoader " + file.getFileName());
        try {
            DiffusionModel model = tensors.call(() -> sd3
                    ? new Sd3DiffusionModel(Sd3Checkpoint.open(file, null, tensors.computeType(), manager))
                    : new FluxDiffusionModel(FluxCheckpoint.open(file, null, tensors.computeType(), manager)));
            return NodeResult.of(model);
        } catch (ModelLoadException | IllegalArgumentException e) {
            manager.close();
            throw NodeException.invalidInput("unet_name", e.getMessage());
        } catch (Exception e) {
            manager.close();
            throw NodeException.failed("cannot load " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether the file is an SD3 transformer (else FLUX, the other family loaded here); others are named as such
     * instead of failing on a missing key. A diffusers folder is SD3 when its config says SD3Transformer2DModel.
     */
    private static boolean family(Path file) {
        if (Files.isDirectory(file)) {
            Path config = Files.isRegularFile(file.resolve("config.json")) ? file.resolve("config.json")
                    : file.resolve("transformer/config.json");
            try {
                return Files.isRegularFile(config) && Files.readString(config).contains("\"SD3Transformer2DModel\"");
            } catch (IOException e) {
                throw NodeException.invalidInput("unet_name", config + ": " + e.getMessage());
            }
        }
        try (SafetensorsFile opened = SafetensorsFile.open(file)) {
            if (Sd3Checkpoint.isSd3(opened.names())) {
                return true;
            }
            if (!FluxCheckpoint.isFlux(opened.names())) {
                throw NodeException.invalidInput("unet_name", file + ": not a FLUX or SD3 transformer (the diffusion"
                        + " model families UNETLoader loads so far); SD1.x checkpoints load with"
                        + " CheckpointLoaderSimple");
            }
            return false;
        } catch (RuntimeException e) {
            if (e instanceof NodeException) {
                throw e;
            }
            throw NodeException.invalidInput("unet_name", file + ": " + e.getMessage());
        }
    }

    /** The file's size and modification time (and its architecture file's): a replaced file loads anew. */
    @Override
    public Object changeKey(NodeInputs widgetValues) {
        Path file = folders.modelFolder(FOLDER).resolve(widgetValues.getString("unet_name"));
        Path arch = file.resolveSibling(file.getFileName().toString().replaceFirst("(?i)\\.safetensors$", "")
                + ".arch.json");
        return fingerprint(file) + "|" + fingerprint(arch) + "|" + widgetValues.getString("weight_dtype");
    }

    private static String fingerprint(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return file + "|" + a.size() + "|" + a.lastModifiedTime().toMillis();
        } catch (IOException e) {
            return file + "|unreadable";
        }
    }
}
