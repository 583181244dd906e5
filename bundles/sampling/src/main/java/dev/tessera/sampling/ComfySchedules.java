package dev.tessera.sampling;

import dev.tessera.sampling.internal.ComfyUiSchedules;
import java.util.List;
import java.util.Locale;

/**
 * ComfyUI's {@code scheduler} names for discrete (SD1.x/SDXL) models, computed as ComfyUI computes them in sigma
 * space, with ComfyUI's integer model timesteps. Use {@link Schedules} for diffusers' schedules.
 */
public final class ComfySchedules {

    /** The scheduler names {@link #named} accepts. */
    public static final List<String> NAMES =
            List.of("normal", "karras", "exponential", "sgm_uniform", "simple", "ddim_uniform");

    private ComfySchedules() {}

    /**
     * The schedule ComfyUI calls {@code scheduler} for {@code steps} steps.
     *
     * @throws IllegalArgumentException naming the accepted values when {@code scheduler} is unknown
     */
    public static Schedule named(String scheduler, NoiseSchedule training, int steps) {
        String name = scheduler == null ? "" : scheduler.toLowerCase(Locale.ROOT);
        return switch (name) {
            case "normal" -> ComfyUiSchedules.normal(training, steps, false);
            case "sgm_uniform" -> ComfyUiSchedules.normal(training, steps, true);
            case "karras" -> ComfyUiSchedules.karras(training, steps);
            case "exponential" -> ComfyUiSchedules.exponential(training, steps);
            case "simple" -> ComfyUiSchedules.simple(training, steps);
            case "ddim_uniform" -> ComfyUiSchedules.ddimUniform(training, steps);
            default -> throw new IllegalArgumentException(
                    "scheduler '" + scheduler + "' is not one of " + String.join(", ", NAMES));
        };
    }

    /**
     * ComfyUI's {@code denoise}: a schedule of {@code floor(steps / denoise)} steps of which the last
     * {@code steps} run, so image-to-image keeps the step count the user asked for.
     */
    public static Schedule named(String scheduler, NoiseSchedule training, int steps, double denoise) {
        if (!(denoise > 0 && denoise <= 1)) {
            throw new IllegalArgumentException("denoise must lie in (0, 1], got " + denoise);
        }
        if (denoise == 1) {
            return named(scheduler, training, steps);
        }
        int total = (int) (steps / denoise);
        return named(scheduler, training, total).lastSteps(steps);
    }
}
