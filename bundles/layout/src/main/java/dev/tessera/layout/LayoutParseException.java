package dev.tessera.layout;

import java.util.Objects;

/**
 * Text could not be read as a layout. The message names the format, where in the text the problem is (a line and
 * column, or a JSON path such as {@code $.instances[2].box}), the instance when there is one, and what was
 * expected there.
 */
public class LayoutParseException extends InvalidLayoutException {

    private static final long serialVersionUID = 1L;

    private final String format;
    private final String position;

    public LayoutParseException(String format, String position, int instanceIndex, String detail, Throwable cause) {
        super(instanceIndex, compose(format, position, instanceIndex, detail), cause);
        this.format = Objects.requireNonNull(format, "format");
        this.position = Objects.requireNonNull(position, "position");
    }

    public LayoutParseException(String format, String position, int instanceIndex, String detail) {
        this(format, position, instanceIndex, detail, null);
    }

    /** A problem not tied to one instance. */
    public LayoutParseException(String format, String position, String detail) {
        this(format, position, -1, detail, null);
    }

    /** The format being read, e.g. {@code paper}, {@code json}, {@code hico}. */
    public String format() {
        return format;
    }

    /** Where in the text: {@code line 2, column 14}, or a JSON path. */
    public String position() {
        return position;
    }

    private static String compose(String format, String position, int instanceIndex, String detail) {
        return format + " layout, " + position + ": " + InvalidLayoutException.prefix(instanceIndex) + detail;
    }
}
