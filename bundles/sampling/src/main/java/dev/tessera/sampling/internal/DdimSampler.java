package dev.tessera.sampling.internal;

import ai.djl.ndarray.NDArray;
import dev.tessera.sampling.Denoiser;
import dev.tessera.sampling.NoiseSource;
import dev.tessera.sampling.Prediction;
import dev.tessera.sampling.Schedule;

/**
 * Deterministic DDIM (eta 0) as diffusers' {@code DDIMScheduler}: predict x0 and epsilon at alphā_t, re-noise to
 * alphā of the next schedule entry. The noise levels come from the schedule's sigmas
 * ({@code alphā = 1 / (1 + sigma^2)}).
 */
public final class DdimSampler extends SamplerBase {

    public DdimSampler(Prediction prediction) {
        super("ddim", prediction);
    }

    @Override
    LatentSpace space(Schedule schedule) {
        return schedule.kind() == Schedule.Kind.FLOW ? LatentSpace.FLOW : LatentSpace.VARIANCE_PRESERVING;
    }

    @Override
    Run start(Schedule schedule, Denoiser model, NoiseSource noise) {
        return (i, x) -> {
            VpLevel now = VpLevel.at(schedule, i);
            VpLevel next = VpLevel.at(schedule, i + 1);
            NDArray out = predict(model, x, x, schedule, i);
            NDArray denoised = now.denoised(prediction, out, x);
            NDArray epsilon = now.epsilon(prediction, out, x);
            return new StepOutput(denoised.mul((float) next.alpha()).addi(epsilon.mul((float) next.sigma())),
                    denoised);
        };
    }
}
