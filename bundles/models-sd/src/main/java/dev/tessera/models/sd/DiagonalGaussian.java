package dev.tessera.models.sd;

import ai.djl.ndarray.NDArray;

/**
 * The VAE posterior: per-element mean and log-variance (clamped to [-30, 20] as diffusers'
 * DiagonalGaussianDistribution does). Sampling is {@code mean + exp(logvar / 2) * noise}, left to the caller.
 */
public record DiagonalGaussian(NDArray mean, NDArray logvar) {

    public void close() {
        mean.close();
        logvar.close();
    }
}
