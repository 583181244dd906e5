package dev.tessera.sampling;

import dev.tessera.sampling.internal.ComfyUiSchedules;
import dev.tessera.sampling.internal.SigmaTable;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * ComfyUI's {@code scheduler} names, computed as ComfyUI computes them in sigma space: for discrete (SD1.x/SDXL)
 * models over their training {@link NoiseSchedule} with ComfyUI's integer model timesteps, for rectified-flow models
 * (FLUX, SD3) over their {@link FlowShift}. Use {@link Schedules} for diffusers' schedules.
 */
public final class ComfySchedules {

    /** The scheduler names {@link #named} accepts. */
    public static final List<String> NAMES =
            List.of("normal", "karras", "exponential", "sgm_uniform", "simple", "ddim_uniform", "beta");

    private ComfySchedules() {}

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
            case "normal" -> ComfyUiSchedules.normal(table, steps, false);
            case "sgm_uniform" -> ComfyUiSchedules.normal(table, steps, true);
            case "karras" -> ComfyUiSchedules.karras(table, steps);
            case "exponential" -> ComfyUiSchedules.exponential(table, steps);
            case "simple" -> ComfyUiSchedules.simple(table, steps);
            case "ddim_uniform" -> ComfyUiSchedules.ddimUniform(table, steps);
            case "beta" -> ComfyUiSchedules.beta(table, steps);
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
}
