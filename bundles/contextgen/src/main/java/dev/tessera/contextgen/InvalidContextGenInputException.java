package dev.tessera.contextgen;

/**
 * Bad ContextGen input, found before any compute: the message says where (instance or reference index, canvas
 * side, tensor) and what was expected. {@link #where()} is that place alone, for nodes that map it to an input.
 */
public final class InvalidContextGenInputException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String where;

    public InvalidContextGenInputException(String where, String problem) {
        super(where + ": " + problem);
        this.where = where;
    }

    /** E.g. {@code reference 2}, {@code instance 0}, {@code width}. */
    public String where() {
        return where;
    }
}
