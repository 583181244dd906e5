package dev.tessera.sampling.comfy;

import dev.tessera.sampling.FlowShift;
import dev.tessera.sampling.NoiseSchedule;
import dev.tessera.sampling.Schedule;
import dev.tessera.sampling.internal.KarrasSigmas;
import dev.tessera.sampling.internal.NumpyCompat;
import dev.tessera.sampling.internal.SigmaTable;
import java.util.Arrays;

/**
 * ComfyUI's explicit SIGMAS (the scheduler nodes of {@code comfy_extras/nodes_custom_sampler.py}): lists of noise
 * levels ending in the level after the last step, and the {@link Schedule} a model runs them with, its timesteps
 * read from the model as ComfyUI's {@code model_sampling.timestep(sigma)} does. The same arithmetic as
 * {@link ComfySchedulers}, so KarrasScheduler over a model's sigma range gives BasicScheduler's karras sigmas.
 */
public final class ComfySigmas {

    private ComfySigmas() {}

    /** k-diffusion's {@code get_sigmas_karras(n, sigma_min, sigma_max, rho)}, float32, then 0. */
    public static double[] karras(int steps, double sigmaMax, double sigmaMin, double rho) {
        checkSteps(steps);
        return withZero(NumpyCompat.toFloat32(KarrasSigmas.of(sigmaMin, sigmaMax, steps, rho)));
    }

    /** k-diffusion's {@code get_sigmas_exponential}: log-uniform from {@code sigmaMax} to {@code sigmaMin}, then 0. */
    public static double[] exponential(int steps, double sigmaMax, double sigmaMin) {
        checkSteps(steps);
        return withZero(ComfySchedulers.exponentialSigmas(sigmaMin, sigmaMax, steps));
    }

    /**
     * k-diffusion's {@code get_sigmas_polyexponential}: {@code exp(ramp^rho (log max - log min) + log min)} with the
     * ramp from 1 down to 0, float32, then 0; rho 1 is the exponential schedule.
     */
    public static double[] polyexponential(int steps, double sigmaMax, double sigmaMin, double rho) {
        checkSteps(steps);
        double[] ramp = NumpyCompat.linspace(1, 0, steps);
        double logMin = Math.log(sigmaMin);
        double span = Math.log(sigmaMax) - logMin;
        double[] sigmas = new double[steps + 1];
        for (int i = 0; i < steps; i++) {
            sigmas[i] = (float) Math.exp(Math.pow(ramp[i], rho) * span + logMin);
        }
        return sigmas;
    }

    /**
     * ComfyUI's SDTurboScheduler: the training sigmas at timesteps 999, 899, ..., 99 from step
     * {@code 10 - int(10 * denoise)} on, at most {@code steps} of them, then 0.
     */
    public static double[] sdTurbo(NoiseSchedule training, int steps, double denoise) {
        checkSteps(steps);
        int start = 10 - (int) (10 * denoise);
        int count = Math.max(0, Math.min(steps, 10 - start));
        double[] sigmas = new double[count + 1];
        for (int i = 0; i < count; i++) {
            int timestep = (10 - start - i) * 100 - 1;
            sigmas[i] = (float) training.sigmaAtLogLinear(timestep);
        }
        return sigmas;
    }

    /** ComfyUI's {@code beta_scheduler} with shape {@code alpha}, {@code beta} (BetaSamplingScheduler). */
    public static Schedule beta(NoiseSchedule training, int steps, double alpha, double beta) {
        return ComfySchedulers.beta(SigmaTable.of(training), steps, alpha, beta);
    }

    /** {@link #beta(NoiseSchedule, int, double, double)} over a flow model's sigma table. */
    public static Schedule beta(FlowShift shift, int steps, double alpha, double beta) {
        return ComfySchedulers.beta(SigmaTable.of(shift), steps, alpha, beta);
    }

    /**
     * The schedule a discrete model runs {@code sigmas} with: each step at the nearest training timestep in log
     * sigma, the initial noise inflated when the first sigma is (within 1e-5) the model's largest or above it
     * (ComfyUI's {@code max_denoise}); null for fewer than two sigmas (no step).
     *
     * @throws IllegalArgumentException for a negative or non-finite sigma, or a step starting at 0
     */
    public static Schedule schedule(double[] sigmas, NoiseSchedule training) {
        return schedule(sigmas, SigmaTable.of(training));
    }

    /** {@link #schedule(double[], NoiseSchedule)} for a flow model: timesteps {@code 1000 * sigma}, never inflated. */
    public static Schedule schedule(double[] sigmas, FlowShift shift) {
        return schedule(sigmas, SigmaTable.of(shift));
    }

    private static Schedule schedule(double[] sigmas, SigmaTable table) {
        if (sigmas.length < 2) {
            return null;
        }
        Schedule steps = table.schedule(Arrays.copyOf(sigmas, sigmas.length - 1));
        return new Schedule(steps.kind(), steps.timesteps(), sigmas, steps.inflatedInitialNoise());
    }

    private static double[] withZero(double[] sigmas) {
        return Arrays.copyOf(sigmas, sigmas.length + 1);
    }

    private static void checkSteps(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
    }
}
