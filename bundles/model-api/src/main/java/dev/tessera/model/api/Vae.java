package dev.tessera.model.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** ComfyUI's VAE: images to latents and back, for one latent family. */
public interface Vae extends AutoCloseable {

    /**
     * The family, channels and downscale of the latents this VAE reads and writes. Its scaling factor is the one the
     * VAE's configuration states; latents here are unscaled.
     */
    LatentFormat latentFormat();

    /**
     * Encodes {@code pixels} {@code [B, H, W, 3]} in [0, 1] (IMAGE) to the posterior mean {@code [B, C, H / d, W / d]}
     * (float32, on the pixels' device, attached to {@code manager}).
     *
     * @throws IllegalArgumentException if H or W is not a multiple of the downscale, or the shape is not an image's
     */
    NDArray encode(NDArray pixels, NDManager manager);

    /**
     * Decodes {@code latent} {@code [B, C, h, w]} to pixels {@code [B, h * d, w * d, 3]} in [0, 1] (float32, attached to
     * {@code manager}).
     *
     * @throws IllegalArgumentException if the latent has another number of channels
     */
    NDArray decode(NDArray latent, NDManager manager);

    @Override
    void close();
}
