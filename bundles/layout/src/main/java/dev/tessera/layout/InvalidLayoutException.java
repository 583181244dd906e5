package dev.tessera.layout;

import java.util.OptionalInt;

/**
 * A layout value is not acceptable: a box that is not finite, degenerate or off the canvas, an empty phrase, a
 * frame size that is not positive. When the problem belongs to one instance the message starts with
 * {@code instance <i>:} (indices count from 0, the global caption is not an instance) and {@link #instanceIndex()}
 * returns it.
 *
 * <p>Unchecked, like {@link IllegalArgumentException} which it extends: the values come from users, and nodes turn
 * it into an {@code invalid_input} error naming their input.
 */
public class InvalidLayoutException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final int instanceIndex;

    /** A problem with instance {@code instanceIndex}, or with the layout as a whole when it is negative. */
    public InvalidLayoutException(int instanceIndex, String detail) {
        this(instanceIndex, prefix(instanceIndex) + detail, null);
    }

    protected InvalidLayoutException(int instanceIndex, String message, Throwable cause) {
        super(message, cause);
        this.instanceIndex = instanceIndex < 0 ? -1 : instanceIndex;
    }

    /** The instance the problem is about, when it is about one. */
    public OptionalInt instanceIndex() {
        return instanceIndex < 0 ? OptionalInt.empty() : OptionalInt.of(instanceIndex);
    }

    static String prefix(int instanceIndex) {
        return instanceIndex < 0 ? "" : "instance " + instanceIndex + ": ";
    }
}
