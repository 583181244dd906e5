package dev.tessera.evaluation;

import java.util.Objects;

/**
 * What every method renders with: the model files (names in the models folder's {@code checkpoints},
 * {@code miglora} and {@code loras}), the sampler and the image size.
 *
 * @param size square image side in pixels, a multiple of 8 (a latent cell)
 */
public record RenderSettings(String checkpoint, String maskEncoder, String lora, int steps, double cfg,
        String sampler, String scheduler, int size) {

    /** The shapes model's files and the sampler defaults of {@code tessera eval shapes}. */
    public static RenderSettings shapesDefaults() {
        return new RenderSettings("shapes-sd15.safetensors", "shapes-mask-encoder.safetensors",
                "shapes-miglora.safetensors", 20, 5.0, "dpmpp_2m", "karras", 64);
    }

    public RenderSettings {
        Objects.requireNonNull(checkpoint, "checkpoint");
        Objects.requireNonNull(maskEncoder, "maskEncoder");
        Objects.requireNonNull(lora, "lora");
        Objects.requireNonNull(sampler, "sampler");
        Objects.requireNonNull(scheduler, "scheduler");
        if (steps < 1) {
            throw new IllegalArgumentException("steps " + steps + ": expected at least 1");
        }
        if (!(cfg > 0) || Double.isInfinite(cfg)) {
            throw new IllegalArgumentException("cfg " + cfg + ": expected a positive number");
        }
        if (size < ShapesWorkflows.LATENT_CELL * 4 || size % ShapesWorkflows.LATENT_CELL != 0) {
            throw new IllegalArgumentException("size " + size + ": expected a multiple of "
                    + ShapesWorkflows.LATENT_CELL + ", at least " + ShapesWorkflows.LATENT_CELL * 4);
        }
    }
}
