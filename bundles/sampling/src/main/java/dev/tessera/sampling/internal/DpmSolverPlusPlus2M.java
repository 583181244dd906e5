package dev.tessera.sampling.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tessera.sampling.Denoiser;
import dev.tessera.sampling.NoiseSource;
import dev.tessera.sampling.Prediction;
import dev.tessera.sampling.Schedule;

/**
 * DPM-Solver++(2M) as diffusers' {@code DPMSolverMultistepScheduler} with {@code algorithm_type="dpmsolver++"},
 * {@code solver_order=2}, midpoint solver and {@code lower_order_final}: first order on the first step and on the
 * last one when it ends at sigma 0 or the run is shorter than 15 steps, second order (the previous x0 as a finite
 * difference in lambda) otherwise.
 */
public final class DpmSolverPlusPlus2M extends SamplerBase {

    private static final int LOWER_ORDER_FINAL_BELOW_STEPS = 15;

    public DpmSolverPlusPlus2M(Prediction prediction) {
        super("dpmpp_2m", prediction);
    }

    @Override
    LatentSpace space(Schedule schedule) {
        return schedule.kind() == Schedule.Kind.FLOW ? LatentSpace.FLOW : LatentSpace.VARIANCE_PRESERVING;
    }

    @Override
    Run start(Schedule schedule, Denoiser model, NoiseSource noise) {
        return new Run() {
            private NDArray previousDenoised;

            @Override
            public StepOutput step(int i, NDArray x) {
                int total = schedule.steps();
                VpLevel s0 = VpLevel.at(schedule, i);
                VpLevel t = VpLevel.at(schedule, i + 1);
                NDArray out = predict(model, x, x, schedule, i);
                NDArray denoised = s0.denoised(prediction, out, x);
                boolean lastStep = i == total - 1;
                boolean firstOrder = previousDenoised == null
                        || (lastStep && (schedule.sigma(i + 1) == 0 || total < LOWER_ORDER_FINAL_BELOW_STEPS));
                double h = t.lambda() - s0.lambda();
                // alpha_t * (e^{-h} - 1); with sigma_t = 0, h is infinite and this is -alpha_t.
                double phi = t.alpha() * Math.expm1(-h);
                double sampleRatio = t.sigma() / s0.sigma();
                NDArray next;
                if (firstOrder) {
                    next = combine(new double[] {sampleRatio, -phi}, new NDArray[] {x, denoised});
                } else {
                    VpLevel s1 = VpLevel.at(schedule, i - 1);
                    double r0 = (s0.lambda() - s1.lambda()) / h;
                    // D0 = m0, D1 = (m0 - m1) / r0; x_t = ratio x - phi D0 - 0.5 phi D1
                    next = combine(new double[] {sampleRatio, -phi * (1 + 0.5 / r0), phi * 0.5 / r0},
                            new NDArray[] {x, denoised, previousDenoised});
                }
                previousDenoised = denoised;
                return new StepOutput(next, denoised);
            }

            @Override
            public void carryInto(NDManager scope) {
                previousDenoised.attach(scope);
            }
        };
    }
}
