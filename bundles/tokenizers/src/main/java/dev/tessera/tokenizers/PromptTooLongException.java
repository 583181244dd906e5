package dev.tessera.tokenizers;

/** A prompt longer than its {@link PromptLimits}; the message gives the length and the limit's property. */
public class PromptTooLongException extends TokenizerException {

    private static final long serialVersionUID = 1L;

    public PromptTooLongException(String message) {
        super(message);
    }
}
