package dev.tessera.miglora;

/** A MIGLoRA file, layout or conditioning that cannot be used; the message names the file, tensor or input. */
public class MigLoraException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public MigLoraException(String message) {
        super(message);
    }

    public MigLoraException(String message, Throwable cause) {
        super(message, cause);
    }
}
