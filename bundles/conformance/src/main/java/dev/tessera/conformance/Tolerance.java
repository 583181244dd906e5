package dev.tessera.conformance;

/** The pack's tolerances (its README): relative L2 error for floating outputs, exact equality for the others. */
public enum Tolerance {
    /** One forward pass of a model (or one computation of a schedule): relative L2 at most 1e-4. */
    FORWARD_PASS(1e-4),
    /** Multi-step trajectories and whole pipelines: relative L2 at most 1e-3. */
    TRAJECTORY(1e-3);

    private final double limit;

    Tolerance(double limit) {
        this.limit = limit;
    }

    /** The largest relative L2 error that passes. */
    public double limit() {
        return limit;
    }
}
