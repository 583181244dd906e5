package dev.tessera.diffusion.nodes.internal;

import ai.djl.ndarray.NDArray;
import dev.tessera.model.api.BoundDenoiser;
import dev.tessera.sampling.ModelStep;
import dev.tessera.sampling.Prediction;

/**
 * ComfyUI's {@code KSamplerX0Inpaint} over a denoiser: where the mask is 0 the latent is kept. Before each model
 * call the kept region of the input is replaced by the original latent noised to the step's level (with the run's
 * initial noise); after it the model's x0 estimate is replaced there by the original latent. The result is returned
 * as the model output that, from the sampler's own (unblended) input, implies that blended x0, so every sampler
 * (Euler, DDIM, DPM-Solver, UniPC) continues exactly as ComfyUI's do from the blended denoised value.
 *
 * <p>Spaces: the samplers call the model with {@code x / sqrt(1 + s^2)} for diffusion models (s the
 * variance-exploding sigma) and with {@code x} for flow models.
 */
final class InpaintDenoiser implements BoundDenoiser {

    private final BoundDenoiser inner;
    private final Prediction prediction;
    private final NDArray clean;
    private final NDArray noise;
    private final NDArray mask;
    private final NDArray keep;

    /**
     * @param clean the latent in model space, {@code [B, C, h, w]}
     * @param noise the run's initial noise, same shape
     * @param mask 1 where the sampler may change the latent, 0 where it keeps it, same shape
     */
    InpaintDenoiser(BoundDenoiser inner, Prediction prediction, NDArray clean, NDArray noise, NDArray mask) {
        this.inner = inner;
        this.prediction = prediction;
        this.clean = clean;
        this.noise = noise;
        this.mask = mask;
        this.keep = mask.neg().add(1f);
    }

    @Override
    public NDArray predict(NDArray input, ModelStep step) {
        double s = step.sigma();
        NDArray kept = noised(s);
        NDArray blended = input.mul(mask).add(kept.mul(keep));
        NDArray out = inner.predict(blended, step);
        NDArray x0 = denoised(out.toType(input.getDataType(), false), blended, s);
        return outputFor(x0.mul(mask).add(clean.mul(keep)), input, s);
    }

    /** The original latent at level {@code s}, in model-input space. */
    private NDArray noised(double s) {
        if (prediction == Prediction.FLOW) {
            return clean.mul((float) (1 - s)).add(noise.mul((float) s));
        }
        return clean.add(noise.mul((float) s)).div((float) Math.sqrt(1 + s * s));
    }

    /** x0 from the model output at model input {@code x}. */
    private NDArray denoised(NDArray out, NDArray x, double s) {
        double alpha = 1 / Math.sqrt(1 + s * s);
        return switch (prediction) {
            case EPSILON -> x.div((float) alpha).sub(out.mul((float) s));
            case V_PREDICTION -> x.mul((float) alpha).sub(out.mul((float) (s * alpha)));
            case FLOW -> x.sub(out.mul((float) s));
        };
    }

    /** The model output that gives {@code x0} at model input {@code x} (the inverse of {@link #denoised}). */
    private NDArray outputFor(NDArray x0, NDArray x, double s) {
        double alpha = 1 / Math.sqrt(1 + s * s);
        return switch (prediction) {
            case EPSILON -> x.div((float) alpha).sub(x0).div((float) s);
            case V_PREDICTION -> x.mul((float) alpha).sub(x0).div((float) (s * alpha));
            case FLOW -> x.sub(x0).div((float) s);
        };
    }

    @Override
    public void close() {
        inner.close();
    }
}
