package dev.tessera.cli;

/** The command line is wrong; the message says what was expected. */
public class UsageException extends Exception {

    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
