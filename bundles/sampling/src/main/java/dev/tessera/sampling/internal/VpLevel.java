package dev.tessera.sampling.internal;

import ai.djl.ndarray.NDArray;
import dev.tessera.sampling.Prediction;

/**
 * A noise level as {@code x = alpha x0 + sigma eps} with {@code lambda = log(alpha / sigma)}: for diffusion
 * schedules the variance-preserving form, {@code alpha = sqrt(alphā) = 1 / sqrt(1 + s^2)},
 * {@code sigma = sqrt(1 - alphā) = s * alpha}, {@code lambda = -log(s)} for the variance-exploding sigma {@code s};
 * for flow schedules rectified flow's {@code alpha = 1 - s}, {@code sigma = s} (diffusers' {@code use_flow_sigmas}).
 * At the ends lambda is infinite ({@code s = 1} of a flow, {@code s = 0}); the solvers' formulas take the limits.
 */
record VpLevel(double alpha, double sigma, double lambda) {

    static VpLevel of(double veSigma) {
        double alpha = 1 / Math.sqrt(veSigma * veSigma + 1);
        return new VpLevel(alpha, veSigma * alpha, -Math.log(veSigma));
    }

    /** The level of step {@code i}'s sigma (or the final one, {@code i = steps}) of {@code schedule}. */
    static VpLevel at(dev.tessera.sampling.Schedule schedule, int i) {
        double s = schedule.sigma(i);
        if (schedule.kind() == dev.tessera.sampling.Schedule.Kind.FLOW) {
            return new VpLevel(1 - s, s, Math.log(1 - s) - Math.log(s));
        }
        return of(s);
    }

    /** x0 from the model output at this level (diffusers' {@code convert_model_output} with predict_x0). */
    NDArray denoised(Prediction prediction, NDArray out, NDArray x) {
        return switch (prediction) {
            case EPSILON -> x.sub(out.mul((float) sigma)).divi((float) alpha);
            case V_PREDICTION -> x.mul((float) alpha).subi(out.mul((float) sigma));
            // velocity v = eps - x0 and x = (1 - s) x0 + s eps: x0 = x - s v
            case FLOW -> x.sub(out.mul((float) sigma));
        };
    }

    /** The noise estimate from the model output at this level. */
    NDArray epsilon(Prediction prediction, NDArray out, NDArray x) {
        return switch (prediction) {
            case EPSILON -> out;
            case V_PREDICTION -> out.mul((float) alpha).addi(x.mul((float) sigma));
            // eps = x0 + v = x + (1 - s) v
            case FLOW -> x.add(out.mul((float) alpha));
        };
    }
}
