package dev.tessera.sampling.internal;

import ai.djl.ndarray.NDArray;
import dev.tessera.sampling.Denoiser;
import dev.tessera.sampling.NoiseSource;
import dev.tessera.sampling.Prediction;
import dev.tessera.sampling.Schedule;

/**
 * Euler's method on the probability-flow ODE in sigma (diffusers' {@code EulerDiscreteScheduler}; on a flow
 * schedule {@code FlowMatchEulerDiscreteScheduler}), and with {@code ancestral} the Euler-ancestral SDE step of
 * {@code EulerAncestralDiscreteScheduler} (eta 1), which re-injects fresh noise each step.
 */
public final class EulerSampler extends SamplerBase {

    private final boolean ancestral;

    public EulerSampler(Prediction prediction, boolean ancestral) {
        super(ancestral ? "euler_ancestral" : "euler", prediction);
        this.ancestral = ancestral;
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
            double up = Math.sqrt(next * next * (sigma * sigma - next * next) / (sigma * sigma));
            double down = Math.sqrt(next * next - up * up);
            NDArray stepped = x.add(derivative.mul((float) (down - sigma)));
            NDArray fresh = noise.next(x.getManager(), x.getShape(), x.getDataType());
            return new StepOutput(stepped.addi(fresh.mul((float) up)), denoised);
        };
    }

    /** diffusers' v-prediction x0 in sigma space, {@code -sigma/sqrt(sigma^2+1) v + x/(sigma^2+1)}, as epsilon. */
    private static NDArray vToEpsilon(NDArray v, NDArray x, double sigma) {
        double scale = sigma * sigma + 1;
        // eps = (x - x0) / sigma = x * sigma / (sigma^2 + 1) + v / sqrt(sigma^2 + 1)
        return x.mul((float) (sigma / scale)).addi(v.mul((float) (1 / Math.sqrt(scale))));
    }
}
