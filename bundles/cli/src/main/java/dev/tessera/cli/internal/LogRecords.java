package dev.tessera.cli.internal;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps java.util.logging records (what {@code System.Logger} writes to by default, e.g. the engine's one-line
 * warning when a node fails) out of a command's stderr, whose problems the command reports itself, one line each.
 * {@code --verbose} leaves them in.
 */
final class LogRecords implements AutoCloseable {

    private final Logger root = Logger.getLogger("");
    private final Level before;
    private final boolean changed;

    private LogRecords(boolean verbose) {
        before = root.getLevel();
        changed = !verbose;
        if (changed) root.setLevel(Level.OFF);
    }

    /** @param verbose whether log records are shown (as Java's logging is configured) or not at all */
    static LogRecords during(boolean verbose) {
        return new LogRecords(verbose);
    }

    @Override
    public void close() {
        if (changed) root.setLevel(before);
    }
}
