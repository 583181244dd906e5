package dev.tessera.sampling.internal;

import dev.tessera.sampling.NoiseSchedule;
import dev.tessera.sampling.Schedule;
import java.util.ArrayList;
import java.util.List;

/**
 * ComfyUI's {@code scheduler} choices for discrete models ({@code comfy/samplers.py}), in sigma space; the model
 * timestep of each step is ComfyUI's nearest training timestep in log sigma.
 */
public final class ComfyUiSchedules {

    private ComfyUiSchedules() {}

    public static Schedule normal(NoiseSchedule training, int steps, boolean sgm) {
        checkSteps(steps);
        int start = training.nearestTimestep(training.sigmaMax());
        int end = training.nearestTimestep(training.sigmaMin());
        float[] t = NumpyCompat.torchLinspaceFloat(start, end, sgm ? steps + 1 : steps);
        double[] sigmas = new double[steps];
        for (int i = 0; i < steps; i++) {
            sigmas[i] = (float) training.sigmaAtLogLinear(t[i]);
        }
        return build(training, sigmas);
    }

    public static Schedule karras(NoiseSchedule training, int steps) {
        checkSteps(steps);
        return build(training, NumpyCompat.toFloat32(
                DiffusersSchedules.karras(training.sigmaMin(), training.sigmaMax(), steps)));
    }

    public static Schedule exponential(NoiseSchedule training, int steps) {
        checkSteps(steps);
        double[] logs = NumpyCompat.linspace(Math.log(training.sigmaMax()), Math.log(training.sigmaMin()), steps);
        double[] sigmas = new double[steps];
        for (int i = 0; i < steps; i++) {
            sigmas[i] = (float) Math.exp(logs[i]);
        }
        return build(training, sigmas);
    }

    public static Schedule simple(NoiseSchedule training, int steps) {
        checkSteps(steps);
        int n = training.numTrainTimesteps();
        double stride = n / (double) steps;
        double[] sigmas = new double[steps];
        for (int i = 0; i < steps; i++) {
            sigmas[i] = training.sigma(n - 1 - (int) (i * stride));
        }
        return build(training, sigmas);
    }

    /** ComfyUI's {@code beta}: training sigmas at the beta(0.6, 0.6) quantiles of the steps, repeats dropped. */
    public static Schedule beta(NoiseSchedule training, int steps) {
        checkSteps(steps);
        int[] picks = betaPicks(training.numTrainTimesteps() - 1, steps);
        double[] sigmas = new double[picks.length];
        for (int i = 0; i < picks.length; i++) {
            sigmas[i] = training.sigma(picks[i]);
        }
        return build(training, sigmas);
    }

    /**
     * The table indices ComfyUI's {@code beta_scheduler} picks from a table of {@code last + 1} sigmas:
     * {@code rint(beta.ppf(1 - i / steps, 0.6, 0.6) * last)} for {@code i = 0..steps-1}, consecutive repeats dropped.
     */
    static int[] betaPicks(int last, int steps) {
        int[] picks = new int[steps];
        int count = 0;
        double previous = -1;
        for (int i = 0; i < steps; i++) {
            double t = Math.rint(BetaDistribution.ppf(1 - i / (double) steps, 0.6, 0.6) * last);
            if (t != previous) {
                picks[count++] = (int) t;
            }
            previous = t;
        }
        return java.util.Arrays.copyOf(picks, count);
    }

    /**
     * ComfyUI's {@code ddim_uniform}: every {@code N / steps}-th training sigma from timestep 1 up; when
     * {@code N / steps} is not a whole number this yields more than {@code steps} steps, as in ComfyUI.
     */
    public static Schedule ddimUniform(NoiseSchedule training, int steps) {
        checkSteps(steps);
        int n = training.numTrainTimesteps();
        int stride = Math.max(n / steps, 1);
        List<Double> ascending = new ArrayList<>();
        for (int t = 1; t < n; t += stride) {
            ascending.add((double) training.sigma(t));
        }
        double[] sigmas = new double[ascending.size()];
        for (int i = 0; i < sigmas.length; i++) {
            sigmas[i] = ascending.get(sigmas.length - 1 - i);
        }
        return build(training, sigmas);
    }

    private static Schedule build(NoiseSchedule training, double[] sigmas) {
        double[] withZero = java.util.Arrays.copyOf(sigmas, sigmas.length + 1);
        double[] timesteps = new double[sigmas.length];
        for (int i = 0; i < sigmas.length; i++) {
            timesteps[i] = training.nearestTimestep(sigmas[i]);
        }
        // ComfyUI's max_denoise: full-strength noise when the schedule starts at (or above) the model's top sigma.
        double top = training.sigmaMax();
        boolean fromTop = Math.abs(sigmas[0] - top) <= 1e-5 * Math.max(Math.abs(sigmas[0]), Math.abs(top))
                || sigmas[0] > top;
        return new Schedule(Schedule.Kind.DIFFUSION, timesteps, withZero, fromTop);
    }

    private static void checkSteps(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
    }
}
