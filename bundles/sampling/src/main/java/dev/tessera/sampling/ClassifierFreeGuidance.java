package dev.tessera.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * Classifier-free guidance: {@code uncond + scale * (cond - uncond)} (ComfyUI's {@code cfg_function}). Every model
 * family's guided MODEL combines its two predictions with {@link #combine}. As a model wrapper, both halves come
 * from one batched call: the wrapped model receives the latent twice along the batch axis, {@code [x; x]}, and
 * must apply the unconditional conditioning to the first half and the conditional one to the second (diffusers'
 * order).
 */
public final class ClassifierFreeGuidance implements Denoiser {

    private final Denoiser batchedModel;
    private final double scale;

    /**
     * @param batchedModel the model over a doubled batch, unconditional half first
     * @param scale the guidance scale (ComfyUI's {@code cfg}); 1 returns the conditional prediction
     */
    public ClassifierFreeGuidance(Denoiser batchedModel, double scale) {
        if (batchedModel == null) {
            throw new IllegalArgumentException("the guided model is required");
        }
        if (!Double.isFinite(scale)) {
            throw new IllegalArgumentException("cfg scale must be finite, got " + scale);
        }
        this.batchedModel = batchedModel;
        this.scale = scale;
    }

    public double scale() {
        return scale;
    }

    @Override
    public NDArray predict(NDArray input, ModelStep step) {
        long batch = input.getShape().get(0);
        NDArray doubled = input.concat(input, 0);
        NDArray out = batchedModel.predict(doubled, step);
        out.attach(input.getManager());
        if (out.getShape().get(0) != 2 * batch) {
            throw new IllegalArgumentException("the guided model returned batch " + out.getShape().get(0)
                    + " for a doubled batch of " + (2 * batch) + " (unconditional half, then conditional)");
        }
        NDList halves = out.split(2, 0);
        NDArray uncond = halves.get(0);
        NDArray cond = halves.get(1);
        return combine(cond, uncond, scale);
    }

    /**
     * {@code uncond + scale * (cond - uncond)}: the guided prediction from the conditional and unconditional ones
     * (same shape), in a new array of {@code cond}'s manager; scale 1 gives {@code cond}'s values.
     */
    public static NDArray combine(NDArray cond, NDArray uncond, double scale) {
        return cond.sub(uncond).muli((float) scale).addi(uncond);
    }
}
