package dev.tessera.server.internal;

import static dev.tessera.server.internal.PromptQueueTest.waitFor;
import static dev.tessera.server.internal.PromptQueueTest.workflow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.tessera.graph.engine.internal.TestEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve --persist-queue}: accepted, unfinished prompts kept in a journal and queued again after a restart. */
class PersistentQueueTest {

    @TempDir
    Path home;
    TestEngine engine;
    TestNodes.Node show;
    Semaphore gate;
    Path journal;
    final List<PromptQueue> queues = new ArrayList<>();

    @BeforeEach
    void setUp() {
        engine = new TestEngine(home);
        gate = new Semaphore(0);
        engine.register(TestNodes.intSource());
        show = engine.register(TestNodes.showInt());
        engine.register(TestNodes.steps(gate));
        journal = home.resolve("state/queue.json");
    }

    @AfterEach
    void tearDown() {
        gate.release(1000);
        queues.forEach(PromptQueue::stop);
    }

    PromptQueue start() {
        PromptQueue q = PromptQueue.start(engine.engine(), new ClientHub(), 100, () -> 42L, journal);
        queues.add(q);
        return q;
    }

    /** A queue that has taken over the journal, as serve's is once it listens. */
    PromptQueue resumed() {
        PromptQueue q = start();
        assertEquals(List.of(), q.resume().queued());
        return q;
    }

    static String submit(PromptQueue q, int value, int steps, String extra) {
        return q.submit(PromptRequest.parse("{\"prompt\": " + workflow(value, steps) + extra + "}")).promptId();
    }

    List<String> journaledIds() throws Exception {
        JsonObject root = Json.parseObject(Files.readString(journal), "journal");
        List<String> ids = new ArrayList<>();
        for (JsonElement e : root.getAsJsonArray("prompts")) ids.add(e.getAsJsonObject().get("prompt_id").getAsString());
        return ids;
    }

    static boolean running(PromptQueue q, String id) {
        @SuppressWarnings("unchecked")
        List<List<Object>> running = (List<List<Object>>) q.queueBody().get("queue_running");
        return running.size() == 1 && running.get(0).get(1).equals(id);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> entry(PromptQueue q, String id) {
        return (Map<String, Object>) q.history().get(id).get(id);
    }

    static String status(PromptQueue q, String id) {
        @SuppressWarnings("unchecked")
        Map<String, Object> status = (Map<String, Object>) entry(q, id).get("status");
        return (String) status.get("status_str");
    }

    /** Stops {@code q} as SIGTERM does while its prompt waits at the gate, then lets that step end. */
    void stopWhileRunning(PromptQueue q) {
        Thread stopper = new Thread(q::stop);
        stopper.start();
        waitFor(q::stopping, "stop to begin");
        gate.release(1);
        waitFor(() -> !stopper.isAlive(), "stop to return");
    }

    @Test
    void promptsWaitingOrCutShortByAStopRunAfterTheRestartAndNoneTwice() throws Exception {
        PromptQueue first = resumed();
        String a = submit(first, 1, 2, ", \"client_id\": \"c1\", \"extra_data\": {\"extra_pnginfo\": {\"k\": 1}}");
        waitFor(() -> running(first, a), "A to run");
        String b = submit(first, 2, 1, "");
        String c = submit(first, 3, 1, ", \"front\": true");
        assertEquals(List.of(a, c, b), journaledIds(), "running first, then in run order");

        // Stop while A runs (as SIGTERM does): A is interrupted after its step, B and C never start.
        stopWhileRunning(first);
        assertEquals("error", status(first, a), "A was interrupted");
        assertEquals(List.of(a, c, b), journaledIds(), "a stop keeps what did not finish");

        PromptQueue second = start();
        assertEquals(0, second.remaining(), "nothing runs before resume()");
        String later = submit(second, 9, 1, "");
        waitFor(() -> running(second, later), "the new prompt to run");
        assertEquals(List.of(a, c, b), journaledIds(), "a prompt submitted before resume() leaves the journal alone");
        PromptQueue.Resumed resumed = second.resume();
        assertEquals(List.of(a, c, b), resumed.queued());
        assertEquals(List.of(), resumed.refused());
        // By number: C (queued at the front, -2) before A (0) and B (1), now that A is not the one running.
        assertEquals(List.of(later, c, a, b), journaledIds());
        assertThrows(IllegalStateException.class, second::resume);
        gate.release(10);
        waitFor(() -> second.remaining() == 0, "the queue to empty");
        for (String id : List.of(a, b, c, later)) assertEquals("success", status(second, id), id);
        assertEquals(List.of(later, c, a, b), second.history().ids());
        assertEquals(List.of(), journaledIds(), "finished prompts leave the journal");
        assertEquals("{\"3\":{\"values\":[3]}}", Json.write(entry(second, a).get("outputs")), "A ran again: 1 + 2 steps");
        // New prompts number after the resumed ones.
        assertTrue(second.submit(PromptRequest.parse("{\"prompt\": " + workflow(1, 1) + "}")).number() > 1);
    }

    @Test
    void deletedClearedAndFinishedPromptsLeaveTheJournal() throws Exception {
        PromptQueue q = resumed();
        String a = submit(q, 1, 1, "");
        waitFor(() -> running(q, a), "A to run");
        String b = submit(q, 2, 1, "");
        String c = submit(q, 3, 1, "");
        String d = submit(q, 4, 1, "");
        q.deletePending(List.of(b));
        assertEquals(List.of(a, c, d), journaledIds());
        gate.release(1);
        waitFor(() -> running(q, c), "C to run");
        assertEquals(List.of(c, d), journaledIds());
        q.clearPending();
        assertEquals(List.of(c), journaledIds());
        gate.release(1);
        waitFor(() -> q.remaining() == 0, "C to finish");
        assertEquals(List.of(), journaledIds());
        try (Stream<Path> files = Files.list(journal.getParent())) {
            assertEquals(List.of(journal), files.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void promptsThatNoLongerValidateAndAnUnreadableJournalAreReportedNotLost() throws Exception {
        PromptQueue first = resumed();
        String a = submit(first, 1, 1, "");
        waitFor(() -> running(first, a), "A to run");
        String b = submit(first, 2, 1, "");
        stopWhileRunning(first);

        engine.unregister(show); // the bundle with ShowInt is gone after the restart
        PromptQueue second = start();
        PromptQueue.Resumed resumed = second.resume();
        assertEquals(List.of(), resumed.queued());
        assertEquals(2, resumed.refused().size(), resumed::toString);
        assertTrue(resumed.refused().get(0).startsWith("prompt " + a + ": node 3 (ShowInt): "), resumed.refused().get(0));
        assertEquals(List.of(), journaledIds());
        second.stop();

        Files.writeString(journal, "{\"tessera_queue\": 1, \"prompts\": [");
        PromptQueue third = start();
        resumed = third.resume();
        assertEquals(1, resumed.refused().size());
        assertTrue(resumed.refused().get(0).contains("is not a queue journal: not valid JSON at line 1"), resumed.refused().get(0));
        assertEquals(List.of(), journaledIds(), "a new journal");
        try (Stream<Path> files = Files.list(journal.getParent())) {
            Path aside = files.filter(p -> p.getFileName().toString().startsWith("queue.json.unreadable-")).findFirst().orElseThrow();
            assertEquals("{\"tessera_queue\": 1, \"prompts\": [", Files.readString(aside));
        }
    }

    @Test
    void aPromptThatCannotBeJournaledIsNotAccepted() throws Exception {
        PromptQueue q = resumed();
        Files.delete(journal);
        Files.createDirectories(journal); // a folder where the file should be: the rename fails
        ApiException e = assertThrows(ApiException.class, () -> submit(q, 1, 1, ""));
        assertEquals(503, e.status());
        assertTrue(e.getMessage().startsWith("the prompt was not queued: the queue journal " + journal), e.getMessage());
        assertEquals(0, q.remaining());
    }
}
