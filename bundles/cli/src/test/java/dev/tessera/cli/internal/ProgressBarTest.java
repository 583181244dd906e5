package dev.tessera.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.graph.engine.ExecutionEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final Map<String, String> types = Map.of("1", "LoadImage", "2", "KSampler", "3", "SaveImage");

    private String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The events of a run in which node 1 comes from the cache and node 2 reports 8 steps. */
    private void run(ProgressBar bar) {
        bar.onEvent(new ExecutionEvent.ExecutionStart("p"));
        bar.onEvent(new ExecutionEvent.ExecutionCached("p", List.of("1")));
        bar.onEvent(new ExecutionEvent.Executing("p", "2"));
        for (int step = 1; step <= 8; step++) bar.onEvent(new ExecutionEvent.Progress("p", "2", step, 8, null));
        bar.onEvent(new ExecutionEvent.Executed("p", "2", Map.of()));
        bar.onEvent(new ExecutionEvent.Executing("p", "3"));
        bar.onEvent(new ExecutionEvent.ExecutionSuccess("p"));
        bar.onEvent(new ExecutionEvent.Executing("p", null));
        bar.finish();
    }

    @Test
    void inALogWritesOneLinePerNodeAndTheFirstStepThenOnePerQuarter() {
        run(new ProgressBar(err, false, types, 3));
        String expected = String.join("\n",
                "[1/2] KSampler #2",
                "    [###---------------------] 1/8",
                "    [######------------------] 2/8",
                "    [############------------] 4/8",
                "    [##################------] 6/8",
                "    [########################] 8/8",
                "[2/2] SaveImage #3", "");
        assertEquals(expected, text().replace("\r\n", "\n"));
    }

    @Test
    void onATerminalRedrawsTheNodeLineInPlaceAndEndsEachWithANewline() {
        run(new ProgressBar(err, true, types, 3));
        String out = text();
        String erase = "\u001b[K";
        assertTrue(out.startsWith("\r[1/2] KSampler #2" + erase + "\r[1/2] KSampler #2 [###---------------------] 1/8" + erase), out);
        assertTrue(out.contains("\r[1/2] KSampler #2 [########################] 8/8" + erase + System.lineSeparator()
                + "\r[2/2] SaveImage #3" + erase + System.lineSeparator()), out);
        assertTrue(out.endsWith(erase + System.lineSeparator()), "the last line is closed once: " + out);
        assertEquals(2, out.split(System.lineSeparator(), -1).length - 1, "one newline per node");
    }

    @Test
    void barIsProportionalAndShowsTheCount() {
        assertEquals("[------------------------] 0/3", ProgressBar.bar(0, 3));
        assertEquals("[########----------------] 1/3", ProgressBar.bar(1, 3));
        assertEquals("[########################] 3/3", ProgressBar.bar(3, 3));
    }

    @Test
    void neverShowsAnIndexAboveTheTotal() {
        ProgressBar bar = new ProgressBar(err, false, types, 1);
        bar.onEvent(new ExecutionEvent.Executing("p", "1"));
        bar.onEvent(new ExecutionEvent.Executing("p", "2"));
        assertEquals("[1/1] LoadImage #1\n[2/2] KSampler #2\n", text().replace("\r\n", "\n"));
    }
}
