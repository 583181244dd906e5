package dev.tessera.sampling.internal;

import ai.djl.ndarray.NDArray;
import dev.tessera.sampling.Denoiser;
import dev.tessera.sampling.NoiseSource;
import dev.tessera.sampling.Prediction;
import dev.tessera.sampling.Schedule;

/**
 * Euler's method on the probability-flow ODE in sigma (diffusers' {@code EulerDiscreteScheduler}; on a flow
 * schedule {@code FlowMatchEulerDiscreteScheduler}), and with {@code ancestral} the Euler-ancestral SDE step of
 * {@code EulerAncestralDiscreteScheduler} (eta 1), which re-injects fresh noise each step; k-diffusion's {@code eta}
 * scales the re-injected part ({@code get_ancestral_step}: 0 is plain Euler) and {@code s_noise} the drawn noise.
 */
public final class EulerSampler extends SamplerBase {

    private final boolean ancestral;
    private final double eta;
    private final double sNoise;

    public EulerSampler(Prediction prediction, boolean ancestral) {
        this(prediction, ancestral, 1.0, 1.0);
    }

    /** Euler ancestral with k-diffusion's {@code eta} and {@code s_noise} (both 1 by default). */
    public EulerSampler(Prediction prediction, boolean ancestral, double eta, double sNoise) {
        super(ancestral ? "euler_ancestral" : "euler", prediction);
        if (!(eta >= 0) || !Double.isFinite(eta) || !(sNoise >= 0) || !Double.isFinite(sNoise)) {
            throw new IllegalArgumentException("eta and s_noise must be finite and 0 or more, got " + eta + " and "
                    + sNoise);
        }
        this.ancestral = ancestral;
        this.eta = eta;
        this.sNoise = sNoise;
    }

    @Override
    LatentSpace space(Schedule schedule) {
        if (schedule.kind() == Schedule.Kind.FLOW) {
            if (ancestral) {
                throw new IllegalArgumentException("euler_ancestral runs diffusion schedules only, not flow");
            }
            return LatentSpace.FLOW;
        }
        return LatentSpace.VARIANCE_EXPLODING;
    }

    @Override
    Run start(Schedule schedule, Denoiser model, NoiseSource noise) {
        LatentSpace space = space(schedule);
        if (ancestral && noise == null) {
            throw new IllegalArgumentException("euler_ancestral needs a noise source for its per-step noise");
        }
        return (i, x) -> {
            double sigma = schedule.sigma(i);
            double next = schedule.sigma(i + 1);
            NDArray out = predict(model, space.modelInput(x, sigma), x, schedule, i);
            // Both the noise and the flow velocity are already the ODE derivative (x - x0) / sigma.
            NDArray derivative = switch (prediction) {
                case EPSILON, FLOW -> out;
                case V_PREDICTION -> vToEpsilon(out, x, sigma);
            };
            NDArray denoised = x.sub(derivative.mul((float) sigma));
            if (!ancestral) {
                return new StepOutput(x.add(derivative.mul((float) (next - sigma))), denoised);
            }
            // k-diffusion's get_ancestral_step: eta 0 is a plain Euler step to sigma_to.
            double up = eta == 0 ? 0
                    : Math.min(next, eta * Math.sqrt(next * next * (sigma * sigma - next * next) / (sigma * sigma)));
            double down = eta == 0 ? next : Math.sqrt(next * next - up * up);
            NDArray stepped = x.add(derivative.mul((float) (down - sigma)));
            NDArray fresh = noise.next(x.getManager(), x.getShape(), x.getDataType());
            return new StepOutput(stepped.addi(fresh.mul((float) (up * sNoise))), denoised);
        };
    }

    /** diffusers' v-prediction x0 in sigma space, {@code -sigma/sqrt(sigma^2+1) v + x/(sigma^2+1)}, as epsilon. */
    private static NDArray vToEpsilon(NDArray v, NDArray x, double sigma) {
        double scale = sigma * sigma + 1;
        // eps = (x - x0) / sigma = x * sigma / (sigma^2 + 1) + v / sqrt(sigma^2 + 1)
        return x.mul((float) (sigma / scale)).addi(v.mul((float) (1 / Math.sqrt(scale))));
    }
}
