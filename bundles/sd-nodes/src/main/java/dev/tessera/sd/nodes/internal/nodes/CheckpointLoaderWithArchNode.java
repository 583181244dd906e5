package dev.tessera.sd.nodes.internal.nodes;

import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.Folders;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.sd.nodes.internal.CheckpointCache;
import java.nio.file.Path;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Loads a checkpoint with an explicit architecture file ({@code *.arch.json} from the {@code configs} folder), for
 * single files whose shapes do not tell everything (heads, norm groups); Tessera's counterpart of ComfyUI's
 * deprecated CheckpointLoader, which takes a yaml config.
 */
@Component(service = NodeType.class)
public final class CheckpointLoaderWithArchNode implements NodeType {

    private final Folders folders;
    private final CheckpointCache cache;
    private final NodeDescriptor descriptor;

    @Activate
    public CheckpointLoaderWithArchNode(@Reference Folders folders, @Reference CheckpointCache cache) {
        this.folders = folders;
        this.cache = cache;
        this.descriptor = NodeDescriptor.builder("CheckpointLoaderWithArch")
                .displayName("Load Checkpoint With Architecture")
                .category("advanced/loaders")
                .description("Loads a single-file checkpoint with an architecture file (.arch.json) that states what"
                        + " the tensor shapes do not.")
                .input(ModelFiles.combo("arch_name", folders, ModelFiles.CONFIGS, ModelFiles.ARCH_FILES)
                        .withTooltip("The architecture file, from the configs folder."))
                .input(ModelFiles.combo("ckpt_name", folders, ModelFiles.CHECKPOINTS, ModelFiles.SAFETENSORS)
                        .withTooltip("The name of the checkpoint (model) to load."))
                .output("MODEL", ValueType.MODEL)
                .output("CLIP", ValueType.CLIP)
                .output("VAE", ValueType.VAE)
                .build();
    }

    @Override
    public NodeDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        Path arch = ModelFiles.resolve(folders, ModelFiles.CONFIGS, "arch_name", inputs.getString("arch_name"));
        Path file = ModelFiles.resolve(folders, ModelFiles.CHECKPOINTS, "ckpt_name", inputs.getString("ckpt_name"));
        return Loading.checkpoint(cache, folders, file, arch, "ckpt_name");
    }

    @Override
    public Object changeKey(NodeInputs widgetValues) {
        return ModelFiles.fingerprint(folders.modelFolder(ModelFiles.CHECKPOINTS).resolve(
                widgetValues.getString("ckpt_name"))) + "|" + ModelFiles.fingerprint(
                folders.modelFolder(ModelFiles.CONFIGS).resolve(widgetValues.getString("arch_name")));
    }
}
