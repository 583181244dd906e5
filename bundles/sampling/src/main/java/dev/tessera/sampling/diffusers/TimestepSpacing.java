package dev.tessera.sampling.diffusers;

/**
 * How diffusers picks inference timesteps out of the training ones (its {@code timestep_spacing}; Table 2 of
 * "Common Diffusion Noise Schedules and Sample Steps are Flawed").
 */
public enum TimestepSpacing {
    /** Evenly spaced from the last training timestep down to 0 (diffusers' default for Euler, DPM-Solver, UniPC). */
    LINSPACE,
    /** Multiples of {@code N / steps} counted from 0, plus {@code steps_offset} (SD1.x's shipped DDIM/PNDM config). */
    LEADING,
    /** Multiples of {@code N / steps} counted down from {@code N}, minus one; always includes the last timestep. */
    TRAILING;

    /** Parses diffusers' config value ({@code "linspace"}, {@code "leading"}, {@code "trailing"}). */
    public static TimestepSpacing fromConfig(String value) {
        for (TimestepSpacing s : values()) {
            if (s.name().equalsIgnoreCase(value)) {
                return s;
            }
        }
        throw new IllegalArgumentException(
                "timestep_spacing '" + value + "' is not one of linspace, leading, trailing");
    }
}
