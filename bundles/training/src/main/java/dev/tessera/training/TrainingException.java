package dev.tessera.training;

/** A training run that cannot go on: bad data, an unwritable checkpoint, a loss that is no longer finite. */
public class TrainingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TrainingException(String message) {
        super(message);
    }

    public TrainingException(String message, Throwable cause) {
        super(message, cause);
    }
}
