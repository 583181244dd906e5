package dev.tessera.model.api;

import ai.djl.ndarray.NDManager;
import dev.tessera.sampling.FlowShift;
import dev.tessera.sampling.NoiseSchedule;
import dev.tessera.sampling.Prediction;
import java.util.List;

/**
 * ComfyUI's MODEL: an immutable handle on one loaded diffusion model and the patches applied over it.
 *
 * <p>{@link #withPatch} returns a new handle over the same base; the caller owns it (close it, or return it from a
 * node so the host's cache closes it). The base is freed when the last handle over it is closed.
 */
public interface DiffusionModel extends AutoCloseable {

    /** The latent space this model samples in (family, channels, VAE scaling). */
    LatentFormat latentFormat();

    /** What the network predicts. */
    Prediction prediction();

    /**
     * The training noise schedule sampler schedules are derived from (discrete-time models).
     *
     * @throws UnsupportedOperationException for flow models ({@link Prediction#FLOW}), see {@link #flowShift}
     */
    NoiseSchedule noiseSchedule();

    /**
     * For flow models ({@link Prediction#FLOW}): the time shift sampler schedules use for a latent of
     * {@code height x width} cells (FLUX's depends on the image token count, SD3's is fixed).
     *
     * @throws UnsupportedOperationException for discrete-time models, see {@link #noiseSchedule}
     */
    default FlowShift flowShift(long height, long width) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " is a discrete-time model; its"
                + " schedules come from noiseSchedule()");
    }

    /** The patches of this handle, in the order they apply. */
    List<ModelPatch> patches();

    /**
     * A new handle with {@code patch} applied after this handle's patches.
     *
     * @throws IllegalArgumentException if this model family does not support the kind of patch
     */
    DiffusionModel withPatch(ModelPatch patch);

    /**
     * The model with classifier-free guidance over {@code positive} and {@code negative}: the prediction is
     * {@code uncond + cfg * (cond - uncond)}, each side the strength-weighted mean over its entries, computed in
     * one batched network call per step. With {@code cfg} 1 only the positive side runs (as in ComfyUI).
     *
     * @param manager parent of the tensors prepared for the run (the batched conditioning); the result frees them
     *     when closed
     * @throws IllegalArgumentException naming the input when a conditioning does not fit this model (e.g. another
     *     embedding width) or {@code cfg} is not finite
     */
    BoundDenoiser guided(Conditioning positive, Conditioning negative, double cfg, NDManager manager);

    @Override
    void close();
}
