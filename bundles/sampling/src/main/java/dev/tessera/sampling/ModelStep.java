package dev.tessera.sampling;

/**
 * Where a sampler is when it calls the model: step {@code index} of {@code total}, the model timestep and the
 * schedule's noise level, and, when the model handle knows it, the model's whole noise range in timesteps. Lets a
 * model patch switch on or off by step or by noise level (a guidance schedule, MIGLoRA's beta(t)).
 *
 * <p>{@code index} and {@code total} count the steps of this run only: with {@code denoise < 1} or a
 * KSamplerAdvanced start/end the run is a cut of the model's full schedule, so a rule over noise levels must use
 * {@code timestep} against {@code [timestepMin, timestepMax]}, which the run does not change.
 *
 * @param timestepMin the model's lowest-noise timestep (0 for SD1.x), NaN when the caller does not know the range
 * @param timestepMax the model's highest-noise timestep (999 for SD1.x's 1000 training steps), NaN when unknown
 */
public record ModelStep(int index, int total, double timestep, double sigma, double timestepMin, double timestepMax) {

    public ModelStep {
        boolean minKnown = !Double.isNaN(timestepMin);
        boolean maxKnown = !Double.isNaN(timestepMax);
        if (minKnown != maxKnown || (minKnown && !(Double.isFinite(timestepMin) && Double.isFinite(timestepMax)
                && timestepMin < timestepMax))) {
            throw new IllegalArgumentException("timestep range [" + timestepMin + ", " + timestepMax + "]: expected"
                    + " finite min < max, or both NaN (unknown)");
        }
    }

    /** A step without the model's range (a sampler alone does not know it; the model handle adds it). */
    public ModelStep(int index, int total, double timestep, double sigma) {
        this(index, total, timestep, sigma, Double.NaN, Double.NaN);
    }

    /** Whether {@link #timestepMin} and {@link #timestepMax} are known. */
    public boolean hasTimestepRange() {
        return !Double.isNaN(timestepMin);
    }

    /** This step with the model's whole timestep range. */
    public ModelStep withTimestepRange(double min, double max) {
        return new ModelStep(index, total, timestep, sigma, min, max);
    }
}
