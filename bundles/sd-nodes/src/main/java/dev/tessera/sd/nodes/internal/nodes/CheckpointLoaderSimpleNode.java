package dev.tessera.sd.nodes.internal.nodes;

import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.Folders;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.OutputSpec;
import dev.tessera.graph.api.ValueType;
import dev.tessera.sd.nodes.internal.CheckpointCache;
import java.nio.file.Path;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * ComfyUI's CheckpointLoaderSimple ("Load Checkpoint"): an SD1.x single-file checkpoint from the {@code checkpoints}
 * folder, with {@code <name>.arch.json} beside it when present, as MODEL, CLIP and VAE handles. The CLIP tokenizer is
 * read from {@code <name>.tokenizer/} beside the file or {@code <models>/tokenizers/clip_l/}.
 */
@Component(service = NodeType.class)
public final class CheckpointLoaderSimpleNode implements NodeType {

    private final Folders folders;
    private final CheckpointCache cache;
    private final NodeDescriptor descriptor;

    @Activate
    public CheckpointLoaderSimpleNode(@Reference Folders folders, @Reference CheckpointCache cache) {
        this.folders = folders;
        this.cache = cache;
        this.descriptor = NodeDescriptor.builder("CheckpointLoaderSimple")
                .displayName("Load Checkpoint")
                .category("loaders")
                .description("Loads a diffusion model checkpoint; diffusion models are used to denoise latents.")
                .input(ModelFiles.combo("ckpt_name", folders, ModelFiles.CHECKPOINTS, ModelFiles.SAFETENSORS)
                        .withTooltip("The name of the checkpoint (model) to load."))
                .output(new OutputSpec("MODEL", ValueType.MODEL, false, "The model used for denoising latents."))
                .output(new OutputSpec("CLIP", ValueType.CLIP, false, "The CLIP model used for encoding text prompts."))
                .output(new OutputSpec("VAE", ValueType.VAE, false,
                        "The VAE model used for encoding and decoding images to and from latent space."))
                .build();
    }

    @Override
    public NodeDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        Path file = ModelFiles.resolve(folders, ModelFiles.CHECKPOINTS, "ckpt_name", inputs.getString("ckpt_name"));
        return Loading.checkpoint(cache, folders, file, null, "ckpt_name");
    }

    /** The file's size and modification time (and its architecture file's): a replaced file loads anew. */
    @Override
    public Object changeKey(NodeInputs widgetValues) {
        Path file = folders.modelFolder(ModelFiles.CHECKPOINTS).resolve(widgetValues.getString("ckpt_name"));
        Path arch = file.resolveSibling(file.getFileName().toString().replaceFirst("(?i)\\.safetensors$", "")
                + ".arch.json");
        return ModelFiles.fingerprint(file) + "|" + ModelFiles.fingerprint(arch);
    }
}
