package dev.tessera.server.internal;

import static dev.tessera.server.internal.JsonAssert.assertJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonObject;
import dev.tessera.graph.engine.internal.TestEngine;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptQueueTest {

    @TempDir
    Path home;
    TestEngine engine;
    ClientHub hub;
    PromptQueue queue;
    Semaphore gate;
    RecordingChannel client;
    TestNodes.Node show;

    @BeforeEach
    void setUp() {
        engine = new TestEngine(home);
        gate = new Semaphore(0);
        engine.register(TestNodes.intSource());
        show = engine.register(TestNodes.showInt());
        engine.register(TestNodes.steps(gate));
        engine.register(TestNodes.fail());
        hub = new ClientHub();
        client = new RecordingChannel();
        hub.connect("c1", client);
        queue = PromptQueue.start(engine.engine(), hub, 100, () -> 42L);
    }

    @AfterEach
    void tearDown() {
        gate.release(1000);
        queue.stop();
    }

    /** Int(value) -> Steps(steps) -> ShowInt. */
    static String workflow(int value, int steps) {
        return """
                {"1": {"class_type": "Int", "inputs": {"value": %d}},
                 "2": {"class_type": "Steps", "inputs": {"value": ["1", 0], "steps": %d}},
                 "3": {"class_type": "ShowInt", "inputs": {"value": ["2", 0]}}}
                """.formatted(value, steps);
    }

    PromptQueue.Submitted submit(String workflow, String extra) {
        return queue.submit(PromptRequest.parse("{\"prompt\": " + workflow + (extra.isEmpty() ? "" : ", " + extra) + "}"));
    }

    PromptQueue.Submitted submit(int value, int steps) {
        return submit(workflow(value, steps), "\"client_id\": \"c1\"");
    }

    static void waitFor(BooleanSupplier condition, String what) {
        long end = System.currentTimeMillis() + 20_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > end) fail("timed out waiting for " + what);
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail(e);
            }
        }
    }

    @SuppressWarnings("unchecked")
    List<String> pendingIds() {
        return ((List<List<Object>>) queue.queueBody().get("queue_pending")).stream().map(e -> (String) e.get(1)).toList();
    }

    @SuppressWarnings("unchecked")
    boolean running(String id) {
        List<List<Object>> running = (List<List<Object>>) queue.queueBody().get("queue_running");
        return running.size() == 1 && running.get(0).get(1).equals(id);
    }

    @Test
    void runsOnePromptAtATimeLowestNumberFirst() {
        PromptQueue.Submitted a = submit(1, 1);
        waitFor(() -> running(a.promptId()), "A to run");
        PromptQueue.Submitted b = submit(2, 1);
        PromptQueue.Submitted c = submit(workflow(3, 1), "\"client_id\": \"c1\", \"front\": true");
        PromptQueue.Submitted d = submit(workflow(4, 1), "\"client_id\": \"c1\", \"number\": 0");
        assertEquals(List.of(0L, 1L, -2L, 0L), List.of(a.number(), b.number(), c.number(), d.number()));
        // -2 (front), then 0 (given), then 1; A still runs.
        assertEquals(List.of(c.promptId(), d.promptId(), b.promptId()), pendingIds());
        assertEquals(4, queue.remaining());
        gate.release(4);
        client.awaitEnd(b.promptId());
        assertEquals(List.of(a.promptId(), c.promptId(), d.promptId(), b.promptId()), queue.history().ids());
        assertEquals(0, queue.remaining(), "the queue lets a prompt go before announcing its end");
    }

    @Test
    void sendsTheRunsEventsToItsClientAndStoresHistoryBeforeTheEnd() {
        AtomicBoolean historyAtEnd = new AtomicBoolean();
        RecordingChannel watcher = new RecordingChannel(m -> {
            if (RecordingChannel.isEnd(m, "p-1")) historyAtEnd.set(!queue.history().get("p-1").isEmpty());
        });
        hub.connect("c1", watcher); // replaces the first connection, which is closed
        assertTrue(client.closed());
        gate.release(2);
        String id = submit(workflow(1, 2), "\"client_id\": \"c1\", \"prompt_id\": \"p-1\", \"extra_data\": {\"extra_pnginfo\": {\"k\": 1}}").promptId();
        assertEquals("p-1", id);
        watcher.awaitEnd("p-1");
        assertTrue(historyAtEnd.get(), "the history has the prompt when its end is announced");
        assertEquals(List.of("execution_start", "execution_cached", "executing:1", "executing:2", "progress:2",
                "progress:2", "executing:3", "executed:3", "execution_success", "executing:null"), watcher.about("p-1"));
        assertEquals(2, watcher.frames().stream().filter(f -> f instanceof Frame.Binary).count(), "one preview per step");
        JsonObject executed = watcher.await(m -> RecordingChannel.is(m, "executed", "p-1"), "executed");
        assertJson("{'node': '3', 'display_node': '3', 'output': {'values': [3]}, 'prompt_id': 'p-1'}", executed.get("data"));
        assertJson("""
                {'p-1': {'prompt': [0, 'p-1', %s, {'extra_pnginfo': {'k': 1}, 'client_id': 'c1'}, ['3']],
                  'outputs': {'3': {'values': [3]}},
                  'status': {'status_str': 'success', 'completed': true, 'messages': [
                     ['execution_start', {'prompt_id': 'p-1', 'timestamp': 42}],
                     ['execution_cached', {'nodes': [], 'prompt_id': 'p-1', 'timestamp': 42}],
                     ['execution_success', {'prompt_id': 'p-1', 'timestamp': 42}]]},
                  'meta': {'3': {'node_id': '3', 'display_node': '3', 'parent_node': null, 'real_node_id': '3'}}}}
                """.formatted(workflow(1, 2)), queue.history().get("p-1"));
        // Status went to everyone: queued (1), running (1), done (0).
        List<Integer> remaining = watcher.messages().stream().filter(m -> m.get("type").getAsString().equals("status"))
                .map(m -> m.getAsJsonObject("data").getAsJsonObject("status").getAsJsonObject("exec_info")
                        .get("queue_remaining").getAsInt()).toList();
        assertEquals(List.of(1, 1, 0), remaining);
    }

    @Test
    void eventsGoToTheSubmitterOrToEveryoneWithoutAClientId() {
        RecordingChannel other = new RecordingChannel();
        hub.connect("c2", other);
        gate.release(2);
        String mine = submit(1, 1).promptId();
        client.awaitEnd(mine);
        assertEquals(List.of(), other.about(mine));
        String anyone = submit(workflow(2, 1), "").promptId();
        other.awaitEnd(anyone);
        client.awaitEnd(anyone);
        assertEquals(client.about(anyone), other.about(anyone));
    }

    @Test
    void interruptsTheRunningPromptOnlyWhenAsked() {
        gate.release(1);
        String id = submit(1, 5).promptId();
        client.await(m -> RecordingChannel.is(m, "progress", id), "first progress");
        assertFalse(queue.interrupt("some-other-prompt"));
        assertTrue(queue.interrupt(id));
        gate.release(10);
        client.awaitEnd(id);
        assertTrue(client.about(id).contains("execution_interrupted"));
        assertJson("{'status_str': 'error', 'completed': false}", statusWithoutMessages(id));
        assertFalse(queue.interrupt(null), "nothing runs any more");
    }

    @Test
    void aFailingNodeEndsThePromptWithItsError() {
        String id = submit("""
                {"1": {"class_type": "Int", "inputs": {"value": 7}},
                 "2": {"class_type": "Fail", "inputs": {"value": ["1", 0]}},
                 "3": {"class_type": "ShowInt", "inputs": {"value": ["2", 0]}}}
                """, "\"client_id\": \"c1\"").promptId();
        client.awaitEnd(id);
        JsonObject error = client.await(m -> RecordingChannel.is(m, "execution_error", id), "execution_error");
        JsonObject d = error.getAsJsonObject("data");
        assertEquals("2", d.get("node_id").getAsString());
        assertEquals("Fail", d.get("node_type").getAsString());
        assertEquals("Fail refuses 7", d.get("exception_message").getAsString());
        assertEquals("bad_value", d.get("error_type").getAsString());
        assertJson("{'status_str': 'error', 'completed': false}", statusWithoutMessages(id));
    }

    @Test
    void waitingPromptsCanBeDeletedOrCleared() {
        String a = submit(1, 1).promptId();
        waitFor(() -> running(a), "A to run");
        String b = submit(2, 1).promptId();
        String c = submit(3, 1).promptId();
        String d = submit(4, 1).promptId();
        queue.deletePending(List.of(c, "unknown", a));
        assertEquals(List.of(b, d), pendingIds());
        assertTrue(running(a), "the running prompt is not deleted");
        queue.clearPending();
        assertEquals(List.of(), pendingIds());
        gate.release(1);
        client.awaitEnd(a);
        waitFor(() -> queue.remaining() == 0, "the queue to empty");
        assertEquals(List.of(a), queue.history().ids());
    }

    @Test
    void refusesInvalidWorkflowsWhenSubmitted() {
        ApiException invalid = assertThrows(ApiException.class, () -> submit(
                "{\"1\": {\"class_type\": \"Int\", \"inputs\": {\"value\": 5000}}, \"2\": {\"class_type\": \"ShowInt\", \"inputs\": {\"value\": [\"1\", 0]}}}", ""));
        assertEquals(400, invalid.status());
        assertJson("""
                {'type': 'prompt_outputs_failed_validation', 'message': 'Prompt outputs failed validation',
                 'details': '', 'extra_info': {}}""", invalid.body().get("error"));
        Map<String, Object> node = nodeError(invalid, "1");
        assertEquals(List.of("2"), node.get("dependent_outputs"));
        assertEquals("Int", node.get("class_type"));
        @SuppressWarnings("unchecked")
        Map<String, Object> error = ((List<Map<String, Object>>) node.get("errors")).get(0);
        assertEquals("value_bigger_than_max", error.get("type"));
        assertTrue(String.valueOf(error.get("message")).contains("value"), () -> "names the input: " + error);
        ApiException malformed = assertThrows(ApiException.class, () -> submit("{\"1\": {\"inputs\": {}}}", ""));
        assertEquals(400, malformed.status());
        @SuppressWarnings("unchecked")
        Map<String, Object> nodeErrors = (Map<String, Object>) malformed.body().get("node_errors");
        assertEquals(List.of("1"), List.copyOf(nodeErrors.keySet()));
        assertEquals(0, queue.remaining());
    }

    @Test
    void aPromptIdCannotBeQueuedTwice() {
        submit(workflow(1, 1), "\"prompt_id\": \"same\"");
        ApiException e = assertThrows(ApiException.class, () -> submit(workflow(2, 1), "\"prompt_id\": \"same\""));
        assertEquals(400, e.status());
    }

    @Test
    void aReconnectingClientLearnsWhichOfItsNodesRuns() {
        String id = submit(1, 3).promptId();
        client.await(m -> RecordingChannel.is(m, "executing", id) && !m.getAsJsonObject("data").get("node").isJsonNull()
                && m.getAsJsonObject("data").get("node").getAsString().equals("2"), "Steps to start");
        assertEquals(Frame.Text.class, queue.resumeFor("c1").orElseThrow().getClass());
        assertJson("{'type': 'executing', 'data': {'node': '2', 'display_node': '2', 'prompt_id': '" + id + "'}}",
                ((Frame.Text) queue.resumeFor("c1").orElseThrow()).json());
        assertTrue(queue.resumeFor("someone-else").isEmpty());
    }

    @Test
    void aNodeTypeThatLeavesBeforeItsPromptRunsFailsThatPromptCleanly() {
        String a = submit(1, 1).promptId();
        waitFor(() -> running(a), "A to run");
        String b = submit(2, 1).promptId();
        engine.unregister(show);
        gate.release(2);
        client.awaitEnd(b);
        JsonObject error = client.await(m -> RecordingChannel.is(m, "execution_error", b), "execution_error");
        assertTrue(error.getAsJsonObject("data").get("exception_message").getAsString().contains("ShowInt"));
        assertJson("{'status_str': 'error', 'completed': false}", statusWithoutMessages(b));
        assertJson("{'status_str': 'success', 'completed': true}", statusWithoutMessages(a));
    }

    @Test
    void stoppingInterruptsTheRunningPromptAndRefusesNewOnes() {
        String id = submit(1, 3).promptId();
        client.await(m -> RecordingChannel.is(m, "executing", id), "start");
        Thread stopper = new Thread(queue::stop);
        stopper.start();
        // stop() has asked the run to stop once it waits for the worker.
        waitFor(() -> stopper.getState() == Thread.State.TIMED_WAITING, "stop to wait for the worker");
        gate.release(3);
        waitFor(() -> !stopper.isAlive(), "stop to return");
        assertTrue(client.about(id).contains("execution_interrupted"));
        assertEquals(503, assertThrows(ApiException.class, () -> submit(2, 1)).status());
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> statusWithoutMessages(String id) {
        Map<String, Object> entry = (Map<String, Object>) queue.history().get(id).get(id);
        Map<String, Object> status = new java.util.LinkedHashMap<>((Map<String, Object>) entry.get("status"));
        status.remove("messages");
        return status;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> nodeError(ApiException e, String nodeId) {
        return (Map<String, Object>) ((Map<String, Object>) e.body().get("node_errors")).get(nodeId);
    }
}
