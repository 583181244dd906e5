package dev.tessera.sampling;

import java.util.Arrays;

/**
 * The steps of one sampling run: for step {@code i} the model is called at {@code timesteps[i]} (what the network
 * is conditioned on) and noise level {@code sigmas[i]}, and the sampler moves the latent to {@code sigmas[i + 1]};
 * {@code sigmas} has one entry more than {@code timesteps}. For {@link Kind#DIFFUSION} sigmas are the
 * variance-exploding noise levels {@code sqrt((1 - alphā) / alphā)}; for {@link Kind#FLOW} they are the
 * interpolation weights in [0, 1] of rectified flow.
 *
 * @param kind which model family the sigmas describe
 * @param timesteps model timestep per step
 * @param sigmas noise level per step, then the level after the last step
 * @param inflatedInitialNoise whether text-to-image noise is scaled by {@code sqrt(sigma0^2 + 1)} instead of
 *     {@code sigma0} for the variance-exploding samplers (diffusers' Euler with {@code leading} spacing, ComfyUI
 *     when the schedule starts at the model's largest sigma)
 */
public record Schedule(Kind kind, double[] timesteps, double[] sigmas, boolean inflatedInitialNoise) {

    /** Model family of a schedule. */
    public enum Kind {
        /** Discrete-time noise-prediction diffusion (SD1.x, SD2.x, SDXL). */
        DIFFUSION,
        /** Rectified flow with velocity prediction (SD3, FLUX). */
        FLOW
    }

    public Schedule {
        if (kind == null) {
            throw new IllegalArgumentException("schedule kind is required");
        }
        timesteps = timesteps.clone();
        sigmas = sigmas.clone();
        if (timesteps.length == 0) {
            throw new IllegalArgumentException("a schedule needs at least one step");
        }
        if (sigmas.length != timesteps.length + 1) {
            throw new IllegalArgumentException("a schedule of " + timesteps.length + " steps needs "
                    + (timesteps.length + 1) + " sigmas, got " + sigmas.length);
        }
        for (int i = 0; i < sigmas.length; i++) {
            if (!Double.isFinite(sigmas[i]) || sigmas[i] < 0) {
                throw new IllegalArgumentException("sigma " + i + " of the schedule is " + sigmas[i]
                        + "; sigmas must be finite and non-negative");
            }
        }
        for (int i = 0; i < timesteps.length; i++) {
            if (!Double.isFinite(timesteps[i])) {
                throw new IllegalArgumentException("timestep " + i + " of the schedule is " + timesteps[i]);
            }
            if (sigmas[i] == 0) {
                throw new IllegalArgumentException("sigma " + i + " is 0 but a step starts there; only the sigma"
                        + " after the last step may be 0");
            }
        }
    }

    /** Number of model evaluations. */
    public int steps() {
        return timesteps.length;
    }

    @Override
    public double[] timesteps() {
        return timesteps.clone();
    }

    @Override
    public double[] sigmas() {
        return sigmas.clone();
    }

    /** Model timestep of step {@code i}. */
    public double timestep(int i) {
        return timesteps[i];
    }

    /** Noise level at the start of step {@code i}; {@code sigma(steps())} is the level after the last step. */
    public double sigma(int i) {
        return sigmas[i];
    }

    /**
     * The same schedule without its first {@code start} steps: image-to-image starts partway, at
     * {@code sigma(start)}, and the multistep samplers warm up again from there as diffusers does.
     */
    public Schedule fromStep(int start) {
        if (start < 0 || start >= steps()) {
            throw new IllegalArgumentException(
                    "start step " + start + " outside a schedule of " + steps() + " steps (0.." + (steps() - 1) + ")");
        }
        return new Schedule(kind, Arrays.copyOfRange(timesteps, start, timesteps.length),
                Arrays.copyOfRange(sigmas, start, sigmas.length), inflatedInitialNoise && start == 0);
    }

    /**
     * Image-to-image as diffusers' {@code strength}: of {@code steps()} steps the last
     * {@code min(floor(steps * strength), steps)} run; {@code strength} 1 keeps them all.
     */
    public Schedule forStrength(double strength) {
        if (!(strength > 0 && strength <= 1)) {
            throw new IllegalArgumentException("strength (denoise) must lie in (0, 1], got " + strength);
        }
        int initSteps = Math.min((int) (steps() * strength), steps());
        if (initSteps == 0) {
            throw new IllegalArgumentException("strength " + strength + " with " + steps()
                    + " steps leaves no step to run; raise the strength or the steps");
        }
        return fromStep(steps() - initSteps);
    }

    /** The last {@code count} steps, as ComfyUI runs {@code denoise < 1} on a longer schedule. */
    public Schedule lastSteps(int count) {
        if (count < 1 || count > steps()) {
            throw new IllegalArgumentException("cannot keep the last " + count + " of " + steps() + " steps");
        }
        return fromStep(steps() - count);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Schedule s && kind == s.kind && inflatedInitialNoise == s.inflatedInitialNoise
                && Arrays.equals(timesteps, s.timesteps) && Arrays.equals(sigmas, s.sigmas);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * kind.hashCode() + Arrays.hashCode(timesteps)) + Arrays.hashCode(sigmas);
    }

    @Override
    public String toString() {
        return "Schedule[" + kind + ", " + steps() + " steps, timesteps " + Arrays.toString(timesteps) + ", sigmas "
                + Arrays.toString(sigmas) + (inflatedInitialNoise ? ", inflated initial noise" : "") + "]";
    }
}
