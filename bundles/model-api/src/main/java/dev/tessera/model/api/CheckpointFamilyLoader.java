package dev.tessera.model.api;

import java.nio.file.Path;
import java.util.Set;

/**
 * A model family's single-file checkpoints for ComfyUI's CheckpointLoaderSimple, registered as a service by the
 * bundle that has the family's MODEL and CLIP handles (SD3 with its text encoders: flux-nodes). The loader node
 * asks each service whether it takes a file and, when one does, returns its MODEL and CLIP; the VAE inside the
 * file (ComfyUI's {@code first_stage_model.*}) is opened by the loader node's own VAE code in the
 * {@link DiffusionModel#latentFormat()} of the model.
 */
public interface CheckpointFamilyLoader {

    /** MODEL and CLIP of one checkpoint; the caller owns both. */
    record Loaded(DiffusionModel model, TextEncoder clip) {}

    /** The family, as messages name it, e.g. {@code SD3}. */
    String family();

    /** Whether a single file with these tensor names is a checkpoint this loader takes. */
    boolean handles(Set<String> names);

    /**
     * Opens {@code file}.
     *
     * @param tokenizers the {@code models/tokenizers} folder, for tokenizers the file does not carry
     * @throws IllegalArgumentException naming the file and what is wrong with it (also for load failures)
     */
    Loaded load(Path file, Path tokenizers);
}
