package dev.tessera.lora;

/** A LoRA file that cannot be read or does not fit a model; the message names the file, the key and what was expected. */
public class LoraException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public LoraException(String message) {
        super(message);
    }

    public LoraException(String message, Throwable cause) {
        super(message, cause);
    }
}
