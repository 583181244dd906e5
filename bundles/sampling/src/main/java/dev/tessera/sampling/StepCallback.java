package dev.tessera.sampling;

/**
 * Called after every sampler step. To stop sampling (a user interrupt), throw: the sampler frees its tensors and
 * lets the exception through, and the model is not called again.
 */
@FunctionalInterface
public interface StepCallback {

    /** A callback that does nothing. */
    StepCallback NONE = progress -> {};

    void onStep(StepProgress progress);
}
