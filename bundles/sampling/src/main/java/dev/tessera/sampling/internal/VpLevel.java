package dev.tessera.sampling.internal;

import ai.djl.ndarray.NDArray;
import dev.tessera.sampling.Prediction;

/**
 * A noise level in variance-preserving form: {@code alpha = sqrt(alphā) = 1 / sqrt(1 + s^2)},
 * {@code sigma = sqrt(1 - alphā) = s * alpha} and {@code lambda = log(alpha / sigma) = -log(s)} for the
 * variance-exploding sigma {@code s}.
 */
record VpLevel(double alpha, double sigma, double lambda) {

    static VpLevel of(double veSigma) {
        double alpha = 1 / Math.sqrt(veSigma * veSigma + 1);
        return new VpLevel(alpha, veSigma * alpha, -Math.log(veSigma));
    }

    /** x0 from the model output at this level (diffusers' {@code convert_model_output} with predict_x0). */
    NDArray denoised(Prediction prediction, NDArray out, NDArray x) {
        return switch (prediction) {
            case EPSILON -> x.sub(out.mul((float) sigma)).divi((float) alpha);
            case V_PREDICTION -> x.mul((float) alpha).subi(out.mul((float) sigma));
            case FLOW -> throw new IllegalArgumentException("flow velocity is not a diffusion prediction");
        };
    }

    /** The noise estimate from the model output at this level. */
    NDArray epsilon(Prediction prediction, NDArray out, NDArray x) {
        return switch (prediction) {
            case EPSILON -> out;
            case V_PREDICTION -> out.mul((float) alpha).addi(x.mul((float) sigma));
            case FLOW -> throw new IllegalArgumentException("flow velocity is not a diffusion prediction");
        };
    }
}
