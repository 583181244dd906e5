package dev.tessera.models.core;

/** A checkpoint, configuration or parameter that does not fit the model; the message says where and what. */
public class ModelLoadException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
