package dev.tessera.sampling;

import ai.djl.ndarray.NDArray;

/**
 * A sampling algorithm. Stateless: every {@link #sample} call keeps its own history, so one instance may serve
 * concurrent runs. Latents keep the dtype and device they come in; arithmetic follows them.
 */
public interface Sampler {

    /** ComfyUI's {@code sampler_name} for this algorithm. */
    String name();

    /**
     * The starting latent of text-to-image: {@code noise} scaled to the schedule's first noise level in this
     * sampler's parameterisation (diffusers' {@code latents * init_noise_sigma}). A new array on {@code noise}'s
     * manager.
     */
    NDArray initialLatent(NDArray noise, Schedule schedule);

    /**
     * The starting latent of image-to-image: the clean {@code latent} noised to the schedule's first noise level
     * (diffusers' {@code add_noise} / {@code scale_noise}). A new array on {@code latent}'s manager.
     */
    NDArray noisedLatent(NDArray latent, NDArray noise, Schedule schedule);

    /**
     * Runs every step of {@code schedule} from {@code x} and returns the final latent, attached to {@code x}'s
     * manager; {@code x} itself is left as it is. Tensors of a step are freed when the step ends, so a long run
     * does not grow.
     *
     * @param noise fresh noise for the stochastic samplers (one draw per step); unused by the deterministic ones
     * @param callback called after each step; throwing from it stops the run
     * @throws SamplingException when the latent becomes NaN or infinite, naming the step
     * @throws IllegalArgumentException when the schedule or the model output does not suit this sampler
     */
    NDArray sample(Denoiser model, NDArray x, Schedule schedule, NoiseSource noise, StepCallback callback);
}
