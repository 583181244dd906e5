package dev.tessera.graph.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.ResourceScope;
import dev.tessera.graph.api.ValueType;
import dev.tessera.graph.engine.ExecutionEvent;
import dev.tessera.graph.engine.InterruptToken;
import dev.tessera.graph.engine.RunOptions;
import dev.tessera.graph.engine.RunResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InterruptAndScopeTest {

    private final Fixtures f = new Fixtures();
    private final InterruptToken token = new InterruptToken();
    private final List<String> closed = Collections.synchronizedList(new ArrayList<>());
    private TestNode ints;
    private TestNode shows;

    @BeforeEach
    void registerTypes() {
        ints = f.register(Fixtures.intSource());
        f.register(Fixtures.add());
        shows = f.register(Fixtures.show());
        // Interrupts the run from inside, as a user pressing stop while it executes.
        f.register(new TestNode(NodeDescriptor.builder("Stop").input(InputSpec.link("a", ValueType.INT))
                .input(InputSpec.bool("inside", false)).output("INT", ValueType.INT).build(), (in, ctx) -> {
                    token.interrupt();
                    if (in.getBoolean("inside")) ctx.checkInterrupted();
                    return NodeResult.of(in.getInt("a"));
                }));
        // Attaches three resources to the run, then optionally fails.
        f.register(new TestNode(NodeDescriptor.builder("Attach").input(InputSpec.bool("fail", false))
                .output("INT", ValueType.INT).build(), (in, ctx) -> {
                    for (String name : List.of("a", "b", "c")) ctx.scope().attach(() -> closed.add(name));
                    if (in.getBoolean("fail")) throw new IllegalArgumentException("failed after attaching");
                    return NodeResult.of(1L);
                }));
    }

    private RunResult run(String json, Fixtures.Recorder rec) {
        return f.engine.run(f.engine.parse(json, null), RunOptions.defaults().withInterrupt(token).withPromptId("p"), rec);
    }

    private static final String STOP_CHAIN = """
            {"1": {"class_type": "Int", "inputs": {"value": 4}},
             "2": {"class_type": "Stop", "inputs": {"a": ["1", 0], "inside": %s}},
             "3": {"class_type": "Show", "inputs": {"value": ["2", 0]}}}
            """;

    @Test
    void anInterruptIsSeenBeforeTheNextNode() {
        Fixtures.Recorder rec = new Fixtures.Recorder();
        RunResult r = run(STOP_CHAIN.formatted("false"), rec);
        assertEquals(RunResult.Status.INTERRUPTED, r.status());
        assertEquals(new ExecutionEvent.ExecutionInterrupted("p", "3", "Show", List.of("1", "2")), r.interruption());
        assertEquals(0, shows.count());
        assertEquals(List.of("execution_start", "execution_cached", "executing", "executing", "execution_interrupted", "executing"),
                rec.types());
    }

    @Test
    void aNodeThatChecksStopsInsideItself() {
        RunResult r = run(STOP_CHAIN.formatted("true"), new Fixtures.Recorder());
        assertEquals(RunResult.Status.INTERRUPTED, r.status());
        assertEquals("2", r.interruption().nodeId());
        assertEquals(List.of("1"), r.interruption().executed());
    }

    @Test
    void anInterruptedTokenRunsNothingAndTheEngineStaysUsable() {
        token.interrupt();
        RunResult r = run(STOP_CHAIN.formatted("false"), new Fixtures.Recorder());
        assertEquals("1", r.interruption().nodeId());
        assertEquals(0, ints.count());
        RunResult fresh = f.engine.run(f.engine.parse("""
                {"1": {"class_type": "Int", "inputs": {"value": 4}},
                 "3": {"class_type": "Show", "inputs": {"value": ["1", 0]}}}
                """, null), RunOptions.defaults(), null);
        assertEquals(RunResult.Status.SUCCESS, fresh.status());
    }

    @Test
    void anotherThreadInterruptsALongNode() throws Exception {
        f.register(new TestNode(NodeDescriptor.builder("Loop").outputNode(true).build(), (in, ctx) -> {
            for (long step = 0; ; step++) {
                ctx.progress(step, Long.MAX_VALUE);
                ctx.checkInterrupted();
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }));
        Fixtures.Recorder rec = new Fixtures.Recorder() {
            @Override
            public synchronized void onEvent(ExecutionEvent event) {
                super.onEvent(event);
                if (event instanceof ExecutionEvent.Progress p && p.value() == 3) {
                    CompletableFuture.runAsync(token::interrupt);
                }
            }
        };
        CompletableFuture<RunResult> running = CompletableFuture.supplyAsync(() -> run("{\"1\": {\"class_type\": \"Loop\"}}", rec));
        RunResult r = running.get(Duration.ofSeconds(20).toMillis(), TimeUnit.MILLISECONDS);
        assertEquals(RunResult.Status.INTERRUPTED, r.status());
        assertEquals("1", r.interruption().nodeId());
        assertTrue(rec.of(ExecutionEvent.Progress.class).size() >= 4);
    }

    @Test
    void runResourcesCloseInReverseOrderWhenTheRunEnds() {
        Fixtures.Recorder rec = new Fixtures.Recorder() {
            @Override
            public synchronized void onEvent(ExecutionEvent event) {
                if (event instanceof ExecutionEvent.ExecutionSuccess) closed.add("success-event");
                super.onEvent(event);
            }
        };
        RunResult r = run("{\"1\": {\"class_type\": \"Attach\", \"inputs\": {\"fail\": false}},"
                + " \"2\": {\"class_type\": \"Show\", \"inputs\": {\"value\": [\"1\", 0]}}}", rec);
        assertEquals(RunResult.Status.SUCCESS, r.status());
        assertEquals(List.of("c", "b", "a", "success-event"), closed);
    }

    @Test
    void runResourcesCloseWhenANodeFails() {
        RunResult r = run("{\"1\": {\"class_type\": \"Attach\", \"inputs\": {\"fail\": true}},"
                + " \"2\": {\"class_type\": \"Show\", \"inputs\": {\"value\": [\"1\", 0]}}}", new Fixtures.Recorder());
        assertEquals(RunResult.Status.FAILED, r.status());
        assertEquals("failed after attaching", r.error().message());
        assertEquals(List.of("c", "b", "a"), closed);
    }

    @Test
    void sharedResourcesAreOnePerRunAndTheScopeRefusesLateAttachments() {
        AtomicReference<ResourceScope> kept = new AtomicReference<>();
        List<Object> handles = new ArrayList<>();
        f.register(new TestNode(NodeDescriptor.builder("Share").input(InputSpec.integer("n", 0, 0, 9, 1))
                .output("INT", ValueType.INT).build(), (in, ctx) -> {
                    handles.add(ctx.scope().shared("manager", () -> (AutoCloseable) () -> closed.add("manager")));
                    kept.set(ctx.scope());
                    return NodeResult.of(in.getInt("n"));
                }));
        f.register(new TestNode(NodeDescriptor.builder("Pair2").input(InputSpec.link("a", ValueType.INT))
                .input(InputSpec.link("b", ValueType.INT)).outputNode(true).build(), (in, ctx) -> NodeResult.of()));
        RunResult r = run("""
                {"1": {"class_type": "Share", "inputs": {"n": 1}},
                 "2": {"class_type": "Share", "inputs": {"n": 2}},
                 "3": {"class_type": "Pair2", "inputs": {"a": ["1", 0], "b": ["2", 0]}}}
                """, new Fixtures.Recorder());
        assertEquals(RunResult.Status.SUCCESS, r.status());
        assertEquals(2, handles.size());
        assertSame(handles.get(0), handles.get(1));
        assertEquals(List.of("manager"), closed);
        IllegalStateException late = assertThrows(IllegalStateException.class,
                () -> kept.get().attach(() -> closed.add("late")));
        assertTrue(late.getMessage().startsWith("the run has ended"), late.getMessage());
        assertEquals(List.of("manager", "late"), closed, "a late resource is closed at once, not leaked");
    }

    @Test
    void aFailingCloseDoesNotStopTheOthers() {
        RunScope scope = new RunScope();
        scope.attach(() -> closed.add("first"));
        scope.attach(() -> {
            throw new IllegalStateException("cannot close");
        });
        scope.attach(() -> closed.add("third"));
        List<Exception> failures = scope.close();
        assertEquals(List.of("third", "first"), closed);
        assertEquals(1, failures.size());
        assertEquals("cannot close", failures.get(0).getMessage());
    }
}
