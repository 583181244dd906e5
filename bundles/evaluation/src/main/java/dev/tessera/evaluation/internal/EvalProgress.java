package dev.tessera.evaluation.internal;

import dev.tessera.evaluation.EvalMethod;
import dev.tessera.evaluation.ShapesBenchmark;
import java.io.PrintStream;
import java.util.Locale;

/**
 * The benchmark's progress line on stderr, per image: method, level, images done of all, a bar and the time left.
 * Redrawn in place on a terminal; in a log a line for the first image, then at most one every 10 seconds, and the
 * last.
 */
final class EvalProgress implements ShapesBenchmark.Listener {

    private static final int WIDTH = 24;
    private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

    private final PrintStream err;
    private final boolean interactive;
    private final long started = System.nanoTime();
    private long lastLine;
    private boolean lineOpen;

    EvalProgress(PrintStream err, boolean interactive) {
        this.err = err;
        this.interactive = interactive;
    }

    @Override
    public void imageDone(EvalMethod method, int level, int done, int total) {
        long now = System.nanoTime();
        if (!interactive && done > 1 && done < total && now - lastLine < LOG_INTERVAL_NANOS) {
            return;
        }
        lastLine = now;
        double seconds = (now - started) / 1e9;
        long left = Math.round(seconds / done * (total - done));
        int filled = WIDTH * done / total;
        String line = String.format(Locale.ROOT, "%s L%d %d/%d [%s%s] ETA %d:%02d:%02d", method.name(), level, done,
                total, "#".repeat(filled), "-".repeat(WIDTH - filled), left / 3600, left / 60 % 60, left % 60);
        if (interactive) {
            err.print("\r" + line + "\033[K");
            lineOpen = true;
        } else {
            err.println(line);
        }
        err.flush();
    }

    /** Ends the redrawn line, before anything else is written. */
    void finish() {
        if (lineOpen) {
            err.println();
            lineOpen = false;
        }
    }
}
