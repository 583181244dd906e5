package dev.tessera.sampling;

import ai.djl.ndarray.NDArray;

/**
 * The state after one sampler step. The arrays are valid only during the callback (the sampler frees them when
 * the next step ends); copy them to keep them.
 *
 * @param step index of the step just completed, from 0
 * @param total number of steps in the run
 * @param sigma noise level the latent is at now
 * @param latent the latent after the step
 * @param denoised the sampler's estimate of the clean latent at this step (for previews)
 */
public record StepProgress(int step, int total, double sigma, NDArray latent, NDArray denoised) {}
