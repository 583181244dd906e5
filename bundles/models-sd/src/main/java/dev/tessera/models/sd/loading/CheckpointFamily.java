package dev.tessera.models.sd.loading;

import java.util.Set;

/** Which model family a single-file checkpoint holds, told from its keys. Only {@link #SD1} loads here. */
public enum CheckpointFamily {
    SD1("Stable Diffusion 1.x"),
    SD2("Stable Diffusion 2.x (OpenCLIP text encoder)"),
    SDXL("Stable Diffusion XL"),
    SD3("Stable Diffusion 3 (MMDiT)"),
    FLUX("FLUX (double/single stream DiT)"),
    DIFFUSERS_COMPONENT("a diffusers component file (load its folder with config.json instead)"),
    UNKNOWN("an unknown layout");

    private final String description;

    CheckpointFamily(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** The family of a checkpoint with tensor names {@code names}. */
    public static CheckpointFamily detect(Set<String> names) {
        if (anyStartsWith(names, "double_blocks.") || anyStartsWith(names, "model.diffusion_model.double_blocks.")) {
            return FLUX;
        }
        if (anyStartsWith(names, "model.diffusion_model.joint_blocks.")) {
            return SD3;
        }
        if (anyStartsWith(names, "conditioner.embedders.") || names.contains("model.diffusion_model.label_emb.0.0.weight")) {
            return SDXL;
        }
        if (anyStartsWith(names, "cond_stage_model.model.")) {
            return SD2;
        }
        if (names.contains(SingleFileKeys.UNET_PREFIX + "input_blocks.0.0.weight")
                || anyStartsWith(names, SingleFileKeys.TEXT_PREFIX)
                || anyStartsWith(names, SingleFileKeys.VAE_PREFIX)) {
            return SD1;
        }
        if (names.contains("conv_in.weight") || names.contains("encoder.conv_in.weight")
                || names.contains("embeddings.token_embedding.weight")
                || names.contains("text_model.embeddings.token_embedding.weight")) {
            return DIFFUSERS_COMPONENT;
        }
        return UNKNOWN;
    }

    static boolean anyStartsWith(Set<String> names, String prefix) {
        for (String name : names) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
