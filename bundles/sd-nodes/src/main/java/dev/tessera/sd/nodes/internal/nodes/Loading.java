package dev.tessera.sd.nodes.internal.nodes;

import dev.tessera.graph.api.Folders;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.models.core.ModelLoadException;
import dev.tessera.models.sd.loading.CheckpointFamily;
import dev.tessera.sd.nodes.internal.CheckpointCache;
import dev.tessera.tokenizers.TokenizerException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** What the checkpoint loader nodes share: load through the cache, report failures on the file's input. */
final class Loading {

    private Loading() {}

    static NodeResult checkpoint(CheckpointCache cache, Folders folders, Path file, Path arch, String input) {
        return checkpoint(cache, file, arch, ModelFiles.tokenizerFolders(folders, file), input);
    }

    /** {@code file} (a single file or a diffusers folder) with its CLIP tokenizer from the first of these folders. */
    static NodeResult checkpoint(CheckpointCache cache, Path file, Path arch, List<Path> tokenizerFolders,
            String input) {
        try {
            CheckpointCache.CheckpointHandles handles = cache.openCheckpoint(file, arch, tokenizerFolders);
            return NodeResult.of(handles.model(), handles.clip(), handles.vae());
        } catch (ModelLoadException | TokenizerException | UncheckedIOException e) {
            throw new NodeException("invalid_input", input, e.getMessage() + hint(e.getMessage()), e);
        }
    }

    /** Where the user goes instead when the file is of a family these loaders do not take. */
    private static String hint(String message) {
        if (message != null && message.contains("this is " + CheckpointFamily.FLUX.description())) {
            return "; load FLUX with UNETLoader (Load Diffusion Model, from models/diffusion_models), its text"
                    + " encoders with DualCLIPLoader and its autoencoder with VAELoader";
        }
        if (message != null && message.contains("this is " + CheckpointFamily.SD3.description())) {
            // ComfyUI's sd3_medium.safetensors holds the MMDiT (and VAE) without text encoders: the text encoders
            // come from their own files, as in ComfyUI's SD3 workflows.
            return "; load the SD3 MMDiT with UNETLoader (Load Diffusion Model, from models/diffusion_models), its text"
                    + " encoders with TripleCLIPLoader (clip_l, clip_g, t5xxl) or CLIPLoader with type sd3, and its"
                    + " VAE with VAELoader";
        }
        return "";
    }
}
