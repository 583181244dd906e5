package dev.tessera.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class LogRecordsTest {

    /** A handler on the root logger, as the console handler that prints the two-line WARNING records is. */
    private static final class Collect extends Handler {
        final List<String> messages = new ArrayList<>();

        @Override
        public void publish(LogRecord r) {
            messages.add(r.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void recordsAreKeptOutOfACommandUnlessVerboseAndComeBackAfter() {
        Logger root = Logger.getLogger("");
        Collect seen = new Collect();
        root.addHandler(seen);
        System.Logger log = System.getLogger("dev.tessera.graph.engine.internal.WorkflowRun");
        try {
            try (LogRecords quiet = LogRecords.during(false)) {
                log.log(System.Logger.Level.WARNING, "node 3 failed (quiet)");
            }
            try (LogRecords verbose = LogRecords.during(true)) {
                log.log(System.Logger.Level.WARNING, "node 3 failed (verbose)");
            }
            log.log(System.Logger.Level.WARNING, "after");
        } finally {
            root.removeHandler(seen);
        }
        assertEquals(List.of("node 3 failed (verbose)", "after"), seen.messages);
    }

    @Test
    void verboseIsTakenFromAnyPlaceBeforeTheSeparator() {
        assertEquals(List.of("run", "wf.json"), Dispatcher.withoutVerbose(List.of("--verbose", "run", "wf.json")));
        assertEquals(List.of("run", "wf.json"), Dispatcher.withoutVerbose(List.of("run", "wf.json", "--verbose")));
        assertEquals(List.of("run", "--", "--verbose"), Dispatcher.withoutVerbose(List.of("run", "--", "--verbose")));
    }
}
