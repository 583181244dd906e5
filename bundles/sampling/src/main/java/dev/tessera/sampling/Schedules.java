package dev.tessera.sampling;

import dev.tessera.sampling.internal.DiffusersSchedules;

/**
 * Inference schedules exactly as diffusers' schedulers compute them in {@code set_timesteps}; each builder names
 * the scheduler class whose arithmetic it reproduces. All return {@link Schedule.Kind#DIFFUSION} schedules except
 * the flow-matching ones.
 */
public final class Schedules {

    private Schedules() {}

    /**
     * {@code EulerDiscreteScheduler} (and {@code EulerAncestralDiscreteScheduler}): float timesteps, sigmas
     * interpolated linearly at them, Karras sigmas between the interpolated ends when {@code karras}, final sigma
     * 0 by default. Initial noise is inflated to {@code sqrt(sigma^2 + 1)} unless the spacing is linspace or
     * trailing, as diffusers' {@code init_noise_sigma} does.
     */
    public static Schedule euler(NoiseSchedule training, int steps, TimestepSpacing spacing, int stepsOffset,
            boolean karras, FinalSigma finalSigma) {
        return DiffusersSchedules.euler(training, steps, spacing, stepsOffset, karras, finalSigma);
    }

    /**
     * {@code DPMSolverMultistepScheduler} and {@code UniPCMultistepScheduler}: integer timesteps (linspace over
     * {@code steps + 1} points without the last), Karras sigmas over the whole training range with rounded
     * timesteps when {@code karras}.
     */
    public static Schedule multistep(NoiseSchedule training, int steps, TimestepSpacing spacing, int stepsOffset,
            boolean karras, FinalSigma finalSigma) {
        return DiffusersSchedules.multistep(training, steps, spacing, stepsOffset, karras, finalSigma);
    }

    /**
     * {@code DDIMScheduler}: integer timesteps, each step goes to the next timestep's noise level and the last one
     * to alphā of timestep 0 ({@link FinalSigma#SIGMA_MIN}, i.e. {@code set_alpha_to_one=False}) or to 1
     * ({@link FinalSigma#ZERO}).
     */
    public static Schedule ddim(NoiseSchedule training, int steps, TimestepSpacing spacing, int stepsOffset,
            FinalSigma finalSigma) {
        return DiffusersSchedules.ddim(training, steps, spacing, stepsOffset, finalSigma);
    }

    /**
     * {@code FlowMatchEulerDiscreteScheduler} with a fixed {@code shift} (SD3: 3.0): timesteps evenly spaced
     * between the scheduler's shifted sigma_max and sigma_min, shifted again by
     * {@code shift * s / (1 + (shift - 1) * s)}.
     */
    public static Schedule flowMatch(int steps, double shift, int numTrainTimesteps) {
        return DiffusersSchedules.flowMatch(steps, shift, numTrainTimesteps);
    }

    /**
     * {@code FlowMatchEulerDiscreteScheduler} with {@code use_dynamic_shifting} as the FLUX pipeline drives it:
     * sigmas {@code linspace(1, 1/steps, steps)} shifted by {@code e^mu / (e^mu + (1/s - 1))}.
     *
     * @param mu the resolution-dependent shift, see {@link #fluxMu(int)}
     */
    public static Schedule flowMatchDynamic(int steps, double mu, int numTrainTimesteps) {
        return DiffusersSchedules.flowMatchDynamic(steps, mu, numTrainTimesteps);
    }

    /**
     * The FLUX pipeline's {@code calculate_shift}: mu linear in the number of image tokens, from
     * {@code baseShift} at {@code baseSeqLen} tokens to {@code maxShift} at {@code maxSeqLen}.
     */
    public static double calculateShift(int imageSeqLen, int baseSeqLen, int maxSeqLen, double baseShift,
            double maxShift) {
        if (imageSeqLen <= 0 || maxSeqLen <= baseSeqLen) {
            throw new IllegalArgumentException("image_seq_len must be positive and max_image_seq_len above"
                    + " base_image_seq_len, got " + imageSeqLen + ", " + baseSeqLen + ", " + maxSeqLen);
        }
        double m = (maxShift - baseShift) / (maxSeqLen - baseSeqLen);
        double b = baseShift - m * baseSeqLen;
        return imageSeqLen * m + b;
    }

    /**
     * FLUX's mu with the scheduler defaults (256 to 4096 tokens, shift 0.5 to 1.15); {@code imageSeqLen} is the
     * number of packed 2x2 latent tokens, {@code (height / 16) * (width / 16)} for an image in pixels.
     */
    public static double fluxMu(int imageSeqLen) {
        return calculateShift(imageSeqLen, 256, 4096, 0.5, 1.15);
    }
}
