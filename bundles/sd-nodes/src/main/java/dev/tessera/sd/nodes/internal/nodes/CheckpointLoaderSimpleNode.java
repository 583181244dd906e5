package dev.tessera.sd.nodes.internal.nodes;

import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.Folders;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.OutputSpec;
import dev.tessera.graph.api.ValueType;
import dev.tessera.model.api.CheckpointFamilyLoader;
import dev.tessera.sd.nodes.internal.CheckpointCache;
import java.nio.file.Path;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * ComfyUI's CheckpointLoaderSimple ("Load Checkpoint"): an SD1.x single-file checkpoint from the {@code checkpoints}
 * folder, with {@code <name>.arch.json} beside it when present, as MODEL, CLIP and VAE handles. The CLIP tokenizer is
 * read from {@code <name>.tokenizer/} beside the file or {@code <models>/tokenizers/clip_l/}. A file another family's
 * bundle takes ({@link CheckpointFamilyLoader}: SD3 with its text encoders) gives that family's MODEL and CLIP, and
 * the VAE inside it in the model's latent format.
 */
@Component(service = NodeType.class)
public final class CheckpointLoaderSimpleNode implements NodeType {

    private final Folders folders;
    private final CheckpointCache cache;
    private final NodeDescriptor descriptor;

    /** Other families' single-file checkpoints (SD3 with its text encoders), from the bundles that have them. */
    @Reference(service = CheckpointFamilyLoader.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<CheckpointFamilyLoader> families = List.of();

    @Activate
    public CheckpointLoaderSimpleNode(@Reference Folders folders, @Reference CheckpointCache cache) {
        this(folders, cache, List.of());
    }

    /** With these family loaders (outside a framework, where SCR does not inject them). */
    public CheckpointLoaderSimpleNode(Folders folders, CheckpointCache cache, List<CheckpointFamilyLoader> families) {
        this.folders = folders;
        this.cache = cache;
        this.families = List.copyOf(families);
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
        CheckpointFamilyLoader family = Loading.familyOf(file, families, "ckpt_name");
        return family != null ? Loading.familyCheckpoint(cache, folders, family, file, "ckpt_name")
                : Loading.checkpoint(cache, folders, file, null, "ckpt_name");
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
