package dev.tessera.sampling.internal;

import dev.tessera.sampling.Schedule;
import java.util.ArrayList;
import java.util.List;

/**
 * ComfyUI's {@code scheduler} choices ({@code comfy/samplers.py}) in sigma space over a model's sigma table, the same
 * rules for discrete and flow models ({@link SigmaTable}).
 */
public final class ComfyUiSchedules {

    private ComfyUiSchedules() {}

    public static Schedule normal(SigmaTable table, int steps, boolean sgm) {
        checkSteps(steps);
        return table.schedule(table.normal(steps, sgm));
    }

    public static Schedule karras(SigmaTable table, int steps) {
        checkSteps(steps);
        return table.schedule(NumpyCompat.toFloat32(
                DiffusersSchedules.karras(table.sigmaMin(), table.sigmaMax(), steps)));
    }

    public static Schedule exponential(SigmaTable table, int steps) {
        checkSteps(steps);
        return table.schedule(exponentialSigmas(table.sigmaMin(), table.sigmaMax(), steps));
    }

    /** k-diffusion's {@code get_sigmas_exponential} without the final 0: log-uniform from max down to min. */
    public static double[] exponentialSigmas(double sigmaMin, double sigmaMax, int steps) {
        double[] logs = NumpyCompat.linspace(Math.log(sigmaMax), Math.log(sigmaMin), steps);
        double[] sigmas = new double[steps];
        for (int i = 0; i < steps; i++) {
            sigmas[i] = (float) Math.exp(logs[i]);
        }
        return sigmas;
    }

    public static Schedule simple(SigmaTable table, int steps) {
        checkSteps(steps);
        int n = table.size();
        double stride = n / (double) steps;
        double[] sigmas = new double[steps];
        for (int i = 0; i < steps; i++) {
            sigmas[i] = table.sigma(n - 1 - (int) (i * stride));
        }
        return table.schedule(sigmas);
    }

    /** ComfyUI's {@code beta}: table sigmas at the beta(0.6, 0.6) quantiles of the steps, repeats dropped. */
    public static Schedule beta(SigmaTable table, int steps) {
        return beta(table, steps, 0.6, 0.6);
    }

    /** {@link #beta(SigmaTable, int)} at the beta(alpha, beta) quantiles (ComfyUI's BetaSamplingScheduler). */
    public static Schedule beta(SigmaTable table, int steps, double alpha, double beta) {
        checkSteps(steps);
        int[] picks = betaPicks(table.size() - 1, steps, alpha, beta);
        double[] sigmas = new double[picks.length];
        for (int i = 0; i < picks.length; i++) {
            sigmas[i] = table.sigma(picks[i]);
        }
        return table.schedule(sigmas);
    }

    /**
     * The table indices ComfyUI's {@code beta_scheduler} picks from a table of {@code last + 1} sigmas:
     * {@code rint(beta.ppf(1 - i / steps, 0.6, 0.6) * last)} for {@code i = 0..steps-1}, consecutive repeats dropped.
     */
    static int[] betaPicks(int last, int steps) {
        return betaPicks(last, steps, 0.6, 0.6);
    }

    static int[] betaPicks(int last, int steps, double alpha, double beta) {
        int[] picks = new int[steps];
        int count = 0;
        double previous = -1;
        for (int i = 0; i < steps; i++) {
            double t = Math.rint(BetaDistribution.ppf(1 - i / (double) steps, alpha, beta) * last);
            if (t != previous) {
                picks[count++] = (int) t;
            }
            previous = t;
        }
        return java.util.Arrays.copyOf(picks, count);
    }

    /**
     * ComfyUI's {@code ddim_uniform}: every {@code N / steps}-th table sigma from index 1 up; when
     * {@code N / steps} is not a whole number this yields more than {@code steps} steps, as in ComfyUI.
     */
    public static Schedule ddimUniform(SigmaTable table, int steps) {
        checkSteps(steps);
        int n = table.size();
        int stride = Math.max(n / steps, 1);
        List<Double> ascending = new ArrayList<>();
        for (int t = 1; t < n; t += stride) {
            ascending.add(table.sigma(t));
        }
        double[] sigmas = new double[ascending.size()];
        for (int i = 0; i < sigmas.length; i++) {
            sigmas[i] = ascending.get(sigmas.length - 1 - i);
        }
        return table.schedule(sigmas);
    }

    private static void checkSteps(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
    }
}
