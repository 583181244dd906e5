package dev.tessera.flux.nodes.internal.nodes;

import dev.tessera.flux.nodes.internal.TransformerCheckpoints;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.Folders;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.models.core.ModelLoadException;
import dev.tessera.models.core.sharing.FileStamp;
import dev.tessera.tensor.TensorRuntime;
import java.nio.file.Path;
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
 * supported: fp8 storage has no DJL type. Files are opened through {@link TransformerCheckpoints}: a file a handle
 * holds is not opened again.
 */
@Component(service = NodeType.class)
public final class UNETLoaderNode implements NodeType {

    static final String FOLDER = "diffusion_models";
    static final List<String> WEIGHT_DTYPES = List.of("default", "fp8_e4m3fn", "fp8_e4m3fn_fast", "fp8_e5m2");

    private final Folders folders;
    private final TensorRuntime tensors;
    private final TransformerCheckpoints checkpoints;
    private final NodeDescriptor descriptor;

    @Activate
    public UNETLoaderNode(@Reference Folders folders, @Reference TensorRuntime tensors,
            @Reference TransformerCheckpoints checkpoints) {
        this.folders = folders;
        this.tensors = tensors;
        this.checkpoints = checkpoints;
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
        try {
            return NodeResult.of(checkpoints.open(file));
        } catch (ModelLoadException | IllegalArgumentException e) {
            throw NodeException.invalidInput("unet_name", e.getMessage());
        } catch (RuntimeException e) {
            throw NodeException.failed("cannot load " + file + ": " + e.getMessage(), e);
        }
    }

    /** The file's size and modification time (and its architecture file's): a replaced file loads anew. */
    @Override
    public Object changeKey(NodeInputs widgetValues) {
        Path file = folders.modelFolder(FOLDER).resolve(widgetValues.getString("unet_name"));
        Path arch = file.resolveSibling(file.getFileName().toString().replaceFirst("(?i)\\.safetensors$", "")
                + ".arch.json");
        return FileStamp.changeKey(file) + "|" + FileStamp.changeKey(arch) + "|" + widgetValues.getString("weight_dtype");
    }
}
