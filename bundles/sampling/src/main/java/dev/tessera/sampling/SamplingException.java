package dev.tessera.sampling;

/** Sampling cannot go on, e.g. the latent became NaN or infinite; the message names the step. */
public class SamplingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int step;

    public SamplingException(int step, String message) {
        super(message);
        this.step = step;
    }

    /** Index of the step (from 0) at which sampling failed. */
    public int step() {
        return step;
    }
}
