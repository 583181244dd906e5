package dev.tessera.sampling.comfy;

import dev.tessera.sampling.FlowShift;
import dev.tessera.sampling.NoiseSchedule;
import dev.tessera.sampling.Schedule;
import dev.tessera.sampling.internal.BetaDistribution;
import dev.tessera.sampling.internal.KarrasSigmas;
import dev.tessera.sampling.internal.NumpyCompat;
import dev.tessera.sampling.internal.SigmaTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * ComfyUI's {@code scheduler} names, computed as ComfyUI computes them in sigma space: for discrete (SD1.x/SDXL)
 * models over their training {@link NoiseSchedule} with ComfyUI's integer model timesteps, for rectified-flow models
 * (FLUX, SD3) over their {@link FlowShift}, the same rules for both ({@code comfy/samplers.py}, in sigma space over
 * the model's sigma table). diffusers' schedules are {@code DiffusersSchedulers}' (package
 * {@code dev.tessera.sampling.diffusers}).
 */
public final class ComfySchedulers {

    /** The scheduler names {@link #named} accepts. */
    public static final List<String> NAMES =
            List.of("normal", "karras", "exponential", "sgm_uniform", "simple", "ddim_uniform", "beta");

    private ComfySchedulers() {}

    /**
     * The schedule ComfyUI calls {@code scheduler} for {@code steps} steps.
     *
     * @throws IllegalArgumentException naming the accepted values when {@code scheduler} is unknown
     */
    public static Schedule named(String scheduler, NoiseSchedule training, int steps) {
        return named(scheduler, SigmaTable.of(training), steps);
    }

    /**
     * The schedule ComfyUI calls {@code scheduler} for a flow model with time shift {@code shift}.
     *
     * @throws IllegalArgumentException naming the accepted values when {@code scheduler} is unknown
     */
    public static Schedule named(String scheduler, FlowShift shift, int steps) {
        return named(scheduler, SigmaTable.of(shift), steps);
    }

    private static Schedule named(String scheduler, SigmaTable table, int steps) {
        String name = scheduler == null ? "" : scheduler.toLowerCase(Locale.ROOT);
        return switch (name) {
            case "normal" -> normal(table, steps, false);
            case "sgm_uniform" -> normal(table, steps, true);
            case "karras" -> karras(table, steps);
            case "exponential" -> exponential(table, steps);
            case "simple" -> simple(table, steps);
            case "ddim_uniform" -> ddimUniform(table, steps);
            case "beta" -> beta(table, steps);
            default -> throw new IllegalArgumentException(
                    "scheduler '" + scheduler + "' is not one of " + String.join(", ", NAMES));
        };
    }

    /**
     * ComfyUI's {@code denoise}: a schedule of {@code floor(steps / denoise)} steps of which the last
     * {@code steps} run, so image-to-image keeps the step count the user asked for.
     */
    public static Schedule named(String scheduler, NoiseSchedule training, int steps, double denoise) {
        return withDenoise(total -> named(scheduler, training, total), steps, denoise);
    }

    /** {@link #named(String, FlowShift, int)} with ComfyUI's {@code denoise}, as for discrete models. */
    public static Schedule named(String scheduler, FlowShift shift, int steps, double denoise) {
        return withDenoise(total -> named(scheduler, shift, total), steps, denoise);
    }

    private static Schedule withDenoise(IntFunction<Schedule> schedule, int steps, double denoise) {
        if (!(denoise > 0 && denoise <= 1)) {
            throw new IllegalArgumentException("denoise must lie in (0, 1], got " + denoise);
        }
        if (denoise == 1) {
            return schedule.apply(steps);
        }
        return schedule.apply((int) (steps / denoise)).lastSteps(steps);
    }

    private static Schedule normal(SigmaTable table, int steps, boolean sgm) {
        checkSteps(steps);
        return table.schedule(table.normal(steps, sgm));
    }

    private static Schedule karras(SigmaTable table, int steps) {
        checkSteps(steps);
        return table.schedule(NumpyCompat.toFloat32(
                KarrasSigmas.of(table.sigmaMin(), table.sigmaMax(), steps)));
    }

    private static Schedule exponential(SigmaTable table, int steps) {
        checkSteps(steps);
        return table.schedule(exponentialSigmas(table.sigmaMin(), table.sigmaMax(), steps));
    }

    /** k-diffusion's {@code get_sigmas_exponential} without the final 0: log-uniform from max down to min. */
    static double[] exponentialSigmas(double sigmaMin, double sigmaMax, int steps) {
        double[] logs = NumpyCompat.linspace(Math.log(sigmaMax), Math.log(sigmaMin), steps);
        double[] sigmas = new double[steps];
        for (int i = 0; i < steps; i++) {
            sigmas[i] = (float) Math.exp(logs[i]);
        }
        return sigmas;
    }

    private static Schedule simple(SigmaTable table, int steps) {
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
    private static Schedule beta(SigmaTable table, int steps) {
        return beta(table, steps, 0.6, 0.6);
    }

    /** {@link #beta(SigmaTable, int)} at the beta(alpha, beta) quantiles (ComfyUI's BetaSamplingScheduler). */
    static Schedule beta(SigmaTable table, int steps, double alpha, double beta) {
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
    private static int[] betaPicks(int last, int steps) {
        return betaPicks(last, steps, 0.6, 0.6);
    }

    private static int[] betaPicks(int last, int steps, double alpha, double beta) {
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
        return Arrays.copyOf(picks, count);
    }

    /**
     * ComfyUI's {@code ddim_uniform}: every {@code N / steps}-th table sigma from index 1 up; when
     * {@code N / steps} is not a whole number this yields more than {@code steps} steps, as in ComfyUI.
     */
    private static Schedule ddimUniform(SigmaTable table, int steps) {
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
