package dev.tessera.training;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The progress line of a training run on stderr: stage, step, a bar, the loss (a running mean), steps per second
 * and the time left. On a terminal it is redrawn in place; in a log a line is written every 30 seconds.
 */
public final class TrainingProgress {

    private static final int WIDTH = 24;
    private static final long LOG_INTERVAL_NANOS = 30_000_000_000L;

    private final PrintStream err;
    private final boolean interactive;
    private String stage = "";
    private long total;
    private long firstStep;
    private long started;
    private long lastLine;
    private double mean = Double.NaN;

    public TrainingProgress(PrintStream err, boolean interactive) {
        this.err = err;
        this.interactive = interactive;
    }

    /** A progress that prints nothing (tests). */
    public static TrainingProgress silent() {
        return new TrainingProgress(new PrintStream(PrintStream.nullOutputStream()), false);
    }

    void start(String stage, long step, long total) {
        this.stage = stage;
        this.total = total;
        this.firstStep = step;
        this.started = System.nanoTime();
        this.lastLine = started;
        this.mean = Double.NaN;
        if (step > 0) {
            note("resuming at step " + step + " of " + total);
        }
    }

    void step(long step, float loss) {
        mean = Double.isNaN(mean) ? loss : 0.98 * mean + 0.02 * loss;
        long now = System.nanoTime();
        if (!interactive && now - lastLine < LOG_INTERVAL_NANOS && step != total) {
            return;
        }
        lastLine = now;
        double seconds = (now - started) / 1e9;
        double rate = (step - firstStep) / Math.max(seconds, 1e-9);
        long left = rate > 0 ? Math.round((total - step) / rate) : 0;
        int filled = (int) (WIDTH * step / Math.max(1, total));
        String line = String.format(Locale.ROOT, "%s %d/%d [%s%s] loss %.4f %.2f steps/s ETA %d:%02d:%02d", stage,
                step, total, "#".repeat(filled), "-".repeat(WIDTH - filled), mean, rate, left / 3600,
                left / 60 % 60, left % 60);
        if (interactive) {
            err.print("\r" + line);
            if (step == total) {
                err.println();
            }
        } else {
            err.println(line);
        }
        err.flush();
    }

    void finish() {
        if (interactive) {
            err.println();
        }
    }

    /** A line of its own (a stage starting, resuming, stopping). */
    public void note(String message) {
        if (interactive) {
            err.print("\r");
        }
        err.println(stage.isEmpty() ? message : stage + ": " + message);
        err.flush();
    }
}
