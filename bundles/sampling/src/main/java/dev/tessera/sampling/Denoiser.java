package dev.tessera.sampling;

import ai.djl.ndarray.NDArray;

/**
 * The model as a sampler calls it: the raw network output for one input latent (noise for
 * {@link Prediction#EPSILON}, velocity for {@link Prediction#V_PREDICTION} and {@link Prediction#FLOW}).
 * The input is already scaled as the model expects (diffusers' {@code scale_model_input}).
 */
@FunctionalInterface
public interface Denoiser {

    /**
     * Predicts for {@code input}, of the same shape as the result. The sampler owns the returned array and frees
     * it after the step; return a fresh array (on {@code input}'s manager is simplest), never one held elsewhere.
     */
    NDArray predict(NDArray input, ModelStep step);
}
