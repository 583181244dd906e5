package dev.tessera.sd.nodes.internal.nodes;

import dev.tessera.graph.api.Folders;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.model.api.CheckpointFamilyLoader;
import dev.tessera.models.core.ModelLoadException;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import dev.tessera.models.sd.loading.CheckpointFamily;
import dev.tessera.sd.nodes.internal.CheckpointCache;
import dev.tessera.tokenizers.TokenizerException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** What the checkpoint loader nodes share: load through the cache, report failures on the file's input. */
final class Loading {

    /** Where the original single-file layout keeps the VAE (the same in SD1.x, SDXL and SD3 files). */
    private static final String VAE_PREFIX = "first_stage_model.";

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

    /**
     * The family loader that takes {@code file} (a single safetensors file whose names it recognises), or null for
     * the SD1.x / SDXL loading.
     */
    static CheckpointFamilyLoader familyOf(Path file, List<CheckpointFamilyLoader> families, String input) {
        if (families.isEmpty() || !Files.isRegularFile(file)
                || !file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".safetensors")) {
            return null;
        }
        Set<String> names;
        try (SafetensorsFile opened = SafetensorsFile.open(file)) {
            names = Set.copyOf(opened.names());
        } catch (RuntimeException e) {
            throw new NodeException("invalid_input", input, file + ": " + e.getMessage(), e);
        }
        return families.stream().filter(f -> f.handles(names)).findFirst().orElse(null);
    }

    /** MODEL and CLIP from {@code family}, and the VAE inside the file ({@code first_stage_model.*}) when there is one. */
    static NodeResult familyCheckpoint(CheckpointCache cache, Folders folders, CheckpointFamilyLoader family,
            Path file, String input) {
        // Read without the user naming it: confined like the chosen file.
        Path tokenizers = folders.checkInsideModels(folders.models().resolve("tokenizers"));
        CheckpointFamilyLoader.Loaded loaded;
        try {
            loaded = family.load(file, tokenizers);
        } catch (IllegalArgumentException | ModelLoadException | TokenizerException e) {
            throw new NodeException("invalid_input", input, e.getMessage(), e);
        }
        boolean hasVae;
        try (SafetensorsFile opened = SafetensorsFile.open(file)) {
            hasVae = opened.contains(VAE_PREFIX + "encoder.conv_in.weight");
        }
        try {
            return NodeResult.of(loaded.model(), loaded.clip(),
                    hasVae ? cache.openVae(file, loaded.model().latentFormat()) : null);
        } catch (ModelLoadException | UncheckedIOException | IllegalArgumentException e) {
            loaded.model().close();
            loaded.clip().close();
            throw new NodeException("invalid_input", input, file + ": the VAE inside (" + VAE_PREFIX
                    + "*) of this " + family.family() + " checkpoint: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            loaded.model().close();
            loaded.clip().close();
            throw e;
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
