package dev.tessera.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tessera.cli.ActiveRuns;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TesseraCommandsTest {

    private static String printed(List<ActiveRuns.Run> runs, Instant now) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TesseraCommands.print(runs, now, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void queueListsEachRunWithItsFileAndAge() {
        Instant t0 = Instant.parse("2026-12-07T16:00:00Z");
        String out = printed(List.of(new ActiveRuns.Run("p1", "a.json", t0), new ActiveRuns.Run("p2", "b.png", t0.plusSeconds(30))),
                t0.plusSeconds(42));
        assertEquals("p1  a.json  42 s" + System.lineSeparator() + "p2  b.png  12 s" + System.lineSeparator(), out);
    }

    @Test
    void anEmptyQueueSaysSo() {
        assertEquals("no run in progress" + System.lineSeparator(), printed(List.of(), Instant.now()));
    }
}
