package dev.tessera.flux.nodes.internal;

import ai.djl.ndarray.NDManager;
import dev.tessera.model.api.CheckpointFamilyLoader;
import dev.tessera.models.core.ModelLoadException;
import dev.tessera.models.dit.Sd3TextConditioning;
import dev.tessera.models.dit.Sd3TransformerConfig;
import dev.tessera.models.dit.loading.Sd3Checkpoint;
import dev.tessera.tensor.TensorRuntime;
import dev.tessera.tokenizers.TokenizerException;
import java.nio.file.Path;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * CheckpointLoaderSimple's SD3 files that include their text encoders ({@code sd3_medium_incl_clips*.safetensors}:
 * the MMDiT under {@code model.diffusion_model.}, {@code text_encoders.clip_l/clip_g[/t5xxl].transformer.*}): the
 * SD3 MODEL handle (through {@link TransformerCheckpoints}, shared with UNETLoader's handles over the same file) and
 * the SD3 CLIP over the same file ({@link Sd3TextEncoders#openCheckpoint}). The widths the
 * encoders give must be the ones the MMDiT takes. An SD3 file without text encoders is not taken: the loader then
 * says which loaders to use.
 */
@Component(service = CheckpointFamilyLoader.class)
public final class Sd3CheckpointLoader implements CheckpointFamilyLoader {

    private final TensorRuntime tensors;
    private final TransformerCheckpoints checkpoints;

    @Activate
    public Sd3CheckpointLoader(@Reference TensorRuntime tensors, @Reference TransformerCheckpoints checkpoints) {
        this.tensors = tensors;
        this.checkpoints = checkpoints;
    }

    @Override
    public String family() {
        return "SD3";
    }

    @Override
    public boolean handles(Set<String> names) {
        return Sd3Checkpoint.isSd3(names) && Sd3Checkpoint.includesTextEncoders(names);
    }

    @Override
    public Loaded load(Path file, Path tokenizers) {
        NDManager clipManager = tensors.newManager("CheckpointLoaderSimple CLIP " + file.getFileName());
        Sd3DiffusionModel model = null;
        Sd3TextEncoder clip = null;
        try {
            model = checkpoints.openSd3(file);
            clip = tensors.call(() -> Sd3TextEncoders.openCheckpoint(file, tokenizers, tensors.computeType(),
                    clipManager));
            requireFits(file, model.transformerConfig(), clip.parts().widths());
            return new Loaded(model, clip);
        } catch (ModelLoadException | TokenizerException | IllegalArgumentException e) {
            close(model, clip, clipManager);
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (RuntimeException e) {
            close(model, clip, clipManager);
            throw e;
        }
    }

    /** The encoders' conditioning widths against what the MMDiT of the same file takes. */
    static void requireFits(Path file, Sd3TransformerConfig config, Sd3TextConditioning.Widths widths) {
        if (widths.context() != config.jointAttentionDim() || widths.pooled() != config.pooledProjectionDim()) {
            throw new ModelLoadException(file + ": its text encoders give states " + widths.context()
                    + " wide and a pooled vector of " + widths.pooled() + " (CLIP-L " + widths.clipL() + " + CLIP-G "
                    + widths.clipGPooled() + "), but its MMDiT takes " + config.jointAttentionDim() + " and "
                    + config.pooledProjectionDim() + " (context_embedder, y_embedder): the encoders do not belong"
                    + " to this model");
        }
    }

    private static void close(Sd3DiffusionModel model, Sd3TextEncoder clip, NDManager clipManager) {
        if (clip != null) {
            clip.close();
        } else {
            clipManager.close();
        }
        if (model != null) {
            model.close();
        }
    }
}
