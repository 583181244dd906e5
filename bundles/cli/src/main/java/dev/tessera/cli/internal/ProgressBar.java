package dev.tessera.cli.internal;

import dev.tessera.graph.engine.ExecutionEvent;
import dev.tessera.graph.engine.ExecutionListener;
import java.io.PrintStream;
import java.util.Map;

/**
 * Shows a run on stderr: one line per executed node ({@code [2/4] ImageScale #3}) with a bar for nodes that
 * report steps. On a terminal the line is redrawn in place; in a log, steps are written at each quarter so the
 * log stays short.
 */
final class ProgressBar implements ExecutionListener {

    static final int WIDTH = 24;

    private final PrintStream err;
    private final boolean interactive;
    private final Map<String, String> classTypes;
    private int total;
    private int index;
    private String line = "";
    private boolean lineOpen;
    private long lastQuarter = -1;

    /**
     * @param classTypes the class type of each node, to name the node being executed
     * @param total      the nodes the run needs; cached ones are taken off when the run reports them
     */
    ProgressBar(PrintStream err, boolean interactive, Map<String, String> classTypes, int total) {
        this.err = err;
        this.interactive = interactive;
        this.classTypes = classTypes;
        this.total = total;
    }

    @Override
    public synchronized void onEvent(ExecutionEvent event) {
        if (event instanceof ExecutionEvent.ExecutionCached cached) {
            total = Math.max(0, total - cached.nodes().size());
        } else if (event instanceof ExecutionEvent.Executing executing) {
            if (executing.node() == null) {
                closeLine();
            } else {
                startNode(executing.node());
            }
        } else if (event instanceof ExecutionEvent.Progress progress) {
            step(progress.value(), progress.max());
        }
    }

    /** Ends the current line; call once the run is over (also done on the final {@code executing} event). */
    synchronized void finish() {
        closeLine();
    }

    private void startNode(String nodeId) {
        closeLine();
        index++;
        String classType = classTypes.getOrDefault(nodeId, "?");
        line = "[" + index + "/" + Math.max(total, index) + "] " + classType + " #" + nodeId;
        lastQuarter = -1;
        write(line);
    }

    private void step(long value, long max) {
        if (max <= 0) return;
        long clamped = Math.max(0, Math.min(value, max));
        String withBar = line + " " + bar(clamped, max);
        if (interactive) {
            write(withBar);
        } else {
            long quarter = clamped * 4 / max;
            if (quarter != lastQuarter) {
                lastQuarter = quarter;
                err.println("    " + bar(clamped, max));
            }
        }
    }

    static String bar(long value, long max) {
        int filled = (int) (WIDTH * value / max);
        return "[" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] " + value + "/" + max;
    }

    private void write(String text) {
        if (interactive) {
            // \r and an erase-to-end-of-line code redraw the same line on a terminal.
            err.print("\r" + text + "\u001b[K");
            lineOpen = true;
        } else {
            err.println(text);
        }
        err.flush();
    }

    private void closeLine() {
        if (lineOpen) {
            err.println();
            lineOpen = false;
        }
    }
}
