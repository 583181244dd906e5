package dev.tessera.evaluation;

/** A benchmark that cannot go on: a workflow that is invalid or fails, an image that cannot be read or written. */
public final class EvaluationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public EvaluationException(String message) {
        super(message);
    }

    public EvaluationException(String message, Throwable cause) {
        super(message, cause);
    }
}
