package dev.tessera.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.sampling.internal.TorchSeededNoise;

/**
 * Where a run's Gaussian noise comes from: the initial latent noise and, for ancestral samplers, the fresh noise
 * of every step. Each call is the next draw. One instance per run; not shared between threads.
 */
public interface NoiseSource {

    /**
     * The next draw of standard normal noise (mean 0, variance 1) of {@code shape}, as {@code dtype}, on
     * {@code manager}'s device and attached to it.
     */
    NDArray next(NDManager manager, Shape shape, DataType dtype);

    /**
     * Noise reproducible from a seed through PyTorch's CPU generator (via DJL): the first draw is exactly
     * {@code torch.manual_seed(seed); torch.randn(shape)} in float32 on the CPU (as ComfyUI and diffusers' CPU
     * generators draw initial latents), then cast and moved to the target device. PyTorch seeds its CPU generator
     * with the low 32 bits of the seed, so seeds equal modulo 2^32 draw the same noise, as in ComfyUI. Draw
     * {@code k > 0} (ancestral steps) reseeds with a 64-bit mix of {@code (seed, k)}, so the stream does not
     * depend on who else uses the process-wide generator in between.
     */
    static NoiseSource seeded(long seed) {
        return new TorchSeededNoise(seed);
    }

    /**
     * {@link #seeded(long)} for a latent whose entries were taken from a batch: the first draw is ComfyUI's
     * {@code prepare_noise(latent, seed, noise_inds)}, entry {@code i} being the noise entry {@code batchIndex[i]} got
     * in the whole batch ({@code manual_seed(seed)}, then {@code randn([1, ...])} per entry up to the largest index).
     * Later draws are {@link #seeded(long)}'s.
     *
     * @throws IllegalArgumentException for a negative index; the first draw, for a shape whose batch is not
     *     {@code batchIndex.length}
     */
    static NoiseSource seeded(long seed, long[] batchIndex) {
        return new TorchSeededNoise(seed, batchIndex);
    }
}
