package dev.tessera.cli;

import java.io.PrintStream;
import java.util.Objects;

/**
 * Where a command writes: results on {@code out}, progress and errors on {@code err}.
 *
 * @param interactive whether {@code err} is a terminal, so progress may redraw one line in place; otherwise it
 *                    is a log and progress is written line by line
 */
public record CommandIO(PrintStream out, PrintStream err, boolean interactive) {
    public CommandIO {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
    }

    /** The process's own streams; interactive when the JVM has a console. */
    public static CommandIO system() {
        return new CommandIO(System.out, System.err, System.console() != null);
    }
}
