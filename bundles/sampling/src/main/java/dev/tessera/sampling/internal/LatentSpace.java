package dev.tessera.sampling.internal;

import ai.djl.ndarray.NDArray;
import dev.tessera.sampling.Schedule;

/** How a sampler's latent relates to clean latent x0 and noise n at noise level sigma. */
enum LatentSpace {
    /** {@code x = x0 + sigma n}; the model sees {@code x / sqrt(sigma^2 + 1)} (k-diffusion, diffusers' Euler). */
    VARIANCE_EXPLODING,
    /** {@code x = (x0 + sigma n) / sqrt(sigma^2 + 1)}; the model sees x (diffusers' DDIM, DPM-Solver, UniPC). */
    VARIANCE_PRESERVING,
    /** {@code x = (1 - sigma) x0 + sigma n}; the model sees x (rectified flow). */
    FLOW;

    NDArray initial(NDArray noise, Schedule schedule) {
        double sigma = schedule.sigma(0);
        return switch (this) {
            case VARIANCE_EXPLODING -> noise.mul(
                    (float) (schedule.inflatedInitialNoise() ? Math.sqrt(sigma * sigma + 1) : sigma));
            case VARIANCE_PRESERVING, FLOW -> noise.duplicate();
        };
    }

    NDArray noised(NDArray latent, NDArray noise, Schedule schedule) {
        requireSameShape(latent, noise);
        double sigma = schedule.sigma(0);
        return switch (this) {
            case VARIANCE_EXPLODING -> latent.add(noise.mul((float) sigma));
            case VARIANCE_PRESERVING -> {
                double alpha = 1 / Math.sqrt(sigma * sigma + 1);
                yield latent.mul((float) alpha).addi(noise.mul((float) (sigma * alpha)));
            }
            case FLOW -> latent.mul((float) (1 - sigma)).addi(noise.mul((float) sigma));
        };
    }

    NDArray modelInput(NDArray x, double sigma) {
        return this == VARIANCE_EXPLODING ? x.mul((float) (1 / Math.sqrt(sigma * sigma + 1))) : x;
    }

    private static void requireSameShape(NDArray latent, NDArray noise) {
        if (!latent.getShape().equals(noise.getShape())) {
            throw new IllegalArgumentException("latent " + latent.getShape() + " and noise " + noise.getShape()
                    + " must have the same shape");
        }
    }
}
