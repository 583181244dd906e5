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
 * ComfyUI's DiffusersLoader: an SD1.x pipeline in diffusers' folder layout ({@code model_index.json},
 * {@code unet/}, {@code vae/}, {@code text_encoder/}, {@code tokenizer/}) from the {@code diffusers} models folder,
 * as MODEL, CLIP and VAE. The CLIP tokenizer is the folder's own {@code tokenizer/} ({@code tokenizer.json}, or
 * {@code vocab.json} + {@code merges.txt}), else {@code <models>/tokenizers/clip_l/}.
 */
@Component(service = NodeType.class)
public final class DiffusersLoaderNode implements NodeType {

    private final Folders folders;
    private final CheckpointCache cache;
    private final NodeDescriptor descriptor;

    @Activate
    public DiffusersLoaderNode(@Reference Folders folders, @Reference CheckpointCache cache) {
        this.folders = folders;
        this.cache = cache;
        this.descriptor = NodeDescriptor.builder("DiffusersLoader")
                .displayName("DiffusersLoader")
                .category("advanced/loaders/deprecated")
                .input(ModelFiles.folderCombo("model_path", folders, ModelFiles.DIFFUSERS)
                        .withTooltip("A diffusers pipeline folder (with model_index.json) in the diffusers folder."))
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
        Path folder = ModelFiles.resolveFolder(folders, ModelFiles.DIFFUSERS, "model_path",
                inputs.getString("model_path"));
        return Loading.checkpoint(cache, folder, null, ModelFiles.diffusersTokenizerFolders(folders, folder),
                "model_path");
    }

    /** Sizes and modification times of the folder's weight, config and tokenizer files. */
    @Override
    public Object changeKey(NodeInputs widgetValues) {
        return ModelFiles.folderFingerprint(folders.modelFolder(ModelFiles.DIFFUSERS)
                .resolve(widgetValues.getString("model_path")));
    }
}
