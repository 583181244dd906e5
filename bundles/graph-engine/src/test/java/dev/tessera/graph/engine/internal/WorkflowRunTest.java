package dev.tessera.graph.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.Preview;
import dev.tessera.graph.api.ValueType;
import dev.tessera.graph.engine.ExecutionEvent;
import dev.tessera.graph.engine.RunOptions;
import dev.tessera.graph.engine.RunResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WorkflowRunTest {

    private final Fixtures f = new Fixtures();
    private TestNode ints;
    private TestNode adds;
    private TestNode shows;

    @BeforeEach
    void registerTypes() {
        ints = f.register(Fixtures.intSource());
        adds = f.register(Fixtures.add());
        shows = f.register(Fixtures.show());
    }

    private RunResult run(String json, Fixtures.Recorder recorder) {
        return f.engine.run(f.engine.parse(json, "test"), RunOptions.defaults().withPromptId("p1"), recorder);
    }

    private RunResult run(String json) {
        return run(json, new Fixtures.Recorder());
    }

    private static String chain(int value, int b) {
        return """
                {"1": {"class_type": "Int", "inputs": {"value": %d}},
                 "2": {"class_type": "Add", "inputs": {"a": ["1", 0], "b": %d}},
                 "3": {"class_type": "Show", "inputs": {"value": ["2", 0]}},
                 "9": {"class_type": "Int", "inputs": {"value": 1}}}
                """.formatted(value, b);
    }

    @Test
    void executesWhatOutputsNeedInDependencyOrderWithComfyUIEvents() {
        Fixtures.Recorder rec = new Fixtures.Recorder();
        RunResult r = run(chain(4, 3), rec);
        assertEquals(RunResult.Status.SUCCESS, r.status());
        assertEquals(List.of("1", "2", "3"), r.executed(), "node 9 feeds no output and does not run");
        assertEquals(Map.of("3", Map.of("values", List.of(7L))), r.outputs());
        assertEquals(List.of("execution_start", "execution_cached", "executing", "executing", "executing", "executed",
                "execution_success", "executing"), rec.types());
        assertEquals(List.of("1", "2", "3", "null"), rec.executing());
        assertEquals(List.of(), rec.of(ExecutionEvent.ExecutionCached.class).get(0).nodes());
        assertTrue(rec.events.stream().allMatch(e -> e.promptId().equals("p1")));
        assertEquals(1, ints.count(), "node 9 did not execute");
    }

    @Test
    void literalsArriveAsJavaTypesAndAbsentOptionalWidgetsAsDefaults() {
        TestNode typed = f.register(new TestNode(NodeDescriptor.builder("Typed")
                .input(InputSpec.integer("i", 0, -10, 10, 1))
                .input(InputSpec.decimal("x", 0.5, 0, 1, 0.1, 0.01))
                .input(InputSpec.string("s", "", false))
                .input(InputSpec.combo("c", List.of("a", "b")))
                .input(InputSpec.bool("t", false))
                .input(InputSpec.integer("opt", 7, 0, 10, 1).asOptional())
                .input(InputSpec.combo("optc", List.of("p", "q")).asOptional())
                .input(InputSpec.link("maybe", ValueType.IMAGE).asOptional())
                .outputNode(true).build(), (in, ctx) -> NodeResult.of()));
        RunResult r = run("{\"1\": {\"class_type\": \"Typed\", \"inputs\": {\"i\": 3, \"x\": 1, \"s\": \"hi\", \"c\": \"b\", \"t\": true}}}");
        assertEquals(RunResult.Status.SUCCESS, r.status());
        var in = typed.lastInputs();
        assertEquals(3L, in.get("i", Object.class));
        assertEquals(1.0, in.get("x", Object.class));
        assertEquals("hi", in.get("s", Object.class));
        assertEquals("b", in.get("c", Object.class));
        assertEquals(Boolean.TRUE, in.get("t", Object.class));
        assertEquals(7L, in.getInt("opt"));
        assertEquals("p", in.getString("optc"));
        assertEquals(false, in.has("maybe"));
        assertEquals(List.of("i", "x", "s", "c", "t", "opt", "optc"), List.copyOf(in.names()));
        NodeException wrongType = org.junit.jupiter.api.Assertions.assertThrows(NodeException.class, () -> in.getString("i"));
        assertEquals("return_type_mismatch", wrongType.type());
        assertEquals("node 1 (Typed) input 'i' holds a java.lang.Long, the node asked for a java.lang.String", wrongType.getMessage());
        NodeException absent = org.junit.jupiter.api.Assertions.assertThrows(NodeException.class, () -> in.get("maybe", Object.class));
        assertEquals("required_input_missing", absent.type());
        assertEquals("maybe", absent.inputName());
    }

    @Test
    void anUnchangedWorkflowExecutesNothingAndResendsCachedOutputs() {
        run(chain(4, 3));
        Fixtures.Recorder rec = new Fixtures.Recorder();
        RunResult again = run(chain(4, 3), rec);
        assertEquals(List.of(), again.executed());
        assertEquals(List.of("1", "2", "3"), again.cached());
        assertEquals(List.of("1", "2", "3"), rec.of(ExecutionEvent.ExecutionCached.class).get(0).nodes());
        // As ComfyUI: a cached output node is not executed again, its ui result is sent again.
        assertEquals(List.of(new ExecutionEvent.Executed("p1", "3", Map.of("values", List.of(7L)))),
                rec.of(ExecutionEvent.Executed.class));
        assertEquals(List.of("null"), rec.executing());
        assertEquals(Map.of("3", Map.of("values", List.of(7L))), again.outputs());
        assertEquals(1, ints.count());
        assertEquals(1, adds.count());
        assertEquals(1, shows.count());
    }

    @Test
    void aChangedWidgetReExecutesOnlyWhatDependsOnIt() {
        run(chain(4, 3));
        RunResult changedB = run(chain(4, 5));
        assertEquals(List.of("2", "3"), changedB.executed());
        assertEquals(List.of("1"), changedB.cached());
        assertEquals(Map.of("values", List.of(9L)), changedB.outputs().get("3"));
        RunResult changedValue = run(chain(6, 5));
        assertEquals(List.of("1", "2", "3"), changedValue.executed());
        assertEquals(2, ints.count());
        assertEquals(3, adds.count());
        assertEquals(3, shows.count());
    }

    @Test
    void siblingBranchesStayCachedWhenOneChanges() {
        String two = """
                {"1": {"class_type": "Int", "inputs": {"value": 1}},
                 "2": {"class_type": "Add", "inputs": {"a": ["1", 0], "b": %d}},
                 "3": {"class_type": "Show", "inputs": {"value": ["2", 0]}},
                 "4": {"class_type": "Add", "inputs": {"a": ["1", 0], "b": 10}},
                 "5": {"class_type": "Show", "inputs": {"value": ["4", 0]}}}
                """;
        assertEquals(List.of("1", "2", "3", "4", "5"), run(two.formatted(2)).executed());
        RunResult r = run(two.formatted(3));
        assertEquals(List.of("2", "3"), r.executed());
        assertEquals(List.of("1", "4", "5"), r.cached());
    }

    @Test
    void theCacheKeyIgnoresNodeIdsAndDefaultsButNotTheChangeKey() {
        run(chain(4, 3));
        RunResult renumbered = run("""
                {"10": {"class_type": "Int", "inputs": {"value": 4}},
                 "20": {"class_type": "Add", "inputs": {"a": ["10", 0], "b": 3}},
                 "30": {"class_type": "Show", "inputs": {"value": ["20", 0]}}}
                """);
        assertEquals(List.of(), renumbered.executed());

        AtomicReference<String> fileHash = new AtomicReference<>("h1");
        TestNode reader = f.register(new TestNode(NodeDescriptor.builder("Reader").input(InputSpec.integer("n", 0, 0, 9, 1).asOptional())
                .output("INT", ValueType.INT).build(), (in, ctx) -> NodeResult.of(in.getInt("n")))
                .withChangeKey(in -> fileHash.get()));
        String wf = "{\"1\": {\"class_type\": \"Reader\", \"inputs\": {%s}}, \"2\": {\"class_type\": \"Show\", \"inputs\": {\"value\": [\"1\", 0]}}}";
        run(wf.formatted(""));
        assertEquals(List.of(), run(wf.formatted("\"n\": 0")).executed(), "an absent optional widget equals its default");
        fileHash.set("h2");
        assertEquals(List.of("1", "2"), run(wf.formatted("")).executed(), "a new change key re-executes the node");
        assertEquals(2, reader.count());
    }

    /** A native-like resource: counts how often it is closed. */
    static final class Resource implements AutoCloseable {
        final String name;
        int closed;

        Resource(String name) {
            this.name = name;
        }

        @Override
        public void close() {
            closed++;
        }
    }

    @Test
    void evictedOutputsAreClosedUnlessALiveEntryHoldsTheSameObject() {
        List<Resource> made = new ArrayList<>();
        f.register(new TestNode(NodeDescriptor.builder("Res").input(InputSpec.integer("tag", 0, 0, 99, 1))
                .output("R", ValueType.of("RES")).output("LIST", ValueType.of("RESLIST")).build(), (in, ctx) -> {
                    Resource r = new Resource("r" + in.getInt("tag"));
                    Resource inList = new Resource("l" + in.getInt("tag"));
                    made.add(r);
                    made.add(inList);
                    return NodeResult.of(r, List.of(inList));
                }));
        f.register(new TestNode(NodeDescriptor.builder("Pass").input(InputSpec.link("r", ValueType.of("RES")))
                .output("R", ValueType.of("RES")).build(), (in, ctx) -> NodeResult.of(in.get("r", Resource.class))));
        f.register(new TestNode(NodeDescriptor.builder("Sink").input(InputSpec.link("r", ValueType.of("RES")))
                .outputNode(true).build(), (in, ctx) -> NodeResult.of()));

        String viaPass = """
                {"1": {"class_type": "Res", "inputs": {"tag": 1}},
                 "2": {"class_type": "Pass", "inputs": {"r": ["1", 0]}},
                 "3": {"class_type": "Sink", "inputs": {"r": ["2", 0]}}}
                """;
        run(viaPass);
        Resource r1 = made.get(0);
        Resource l1 = made.get(1);
        assertEquals(0, r1.closed);

        // Pass and its sink are evicted; Pass's value is the same object Res still holds, so it stays open.
        RunResult direct = run("{\"1\": {\"class_type\": \"Res\", \"inputs\": {\"tag\": 1}}, \"3\": {\"class_type\": \"Sink\", \"inputs\": {\"r\": [\"1\", 0]}}}");
        assertEquals(List.of("1"), direct.cached());
        assertEquals(0, r1.closed);

        // A new tag: the old Res entry goes, and with it the resource and the one inside its list, once each.
        run("{\"1\": {\"class_type\": \"Res\", \"inputs\": {\"tag\": 2}}, \"3\": {\"class_type\": \"Sink\", \"inputs\": {\"r\": [\"1\", 0]}}}");
        assertEquals(1, r1.closed);
        assertEquals(1, l1.closed);
        Resource r2 = made.get(2);
        assertEquals(0, r2.closed);
        assertEquals(2, f.engine.cachedResults());

        f.engine.clearCache();
        assertEquals(1, r2.closed);
        assertEquals(1, made.get(3).closed);
        assertEquals(1, r1.closed, "never closed twice");
        assertEquals(0, f.engine.cachedResults());
    }

    @Test
    void aFailingNodeBecomesAnErrorEventAndTheEngineStaysUsable() {
        f.register(new TestNode(NodeDescriptor.builder("Boom").input(InputSpec.link("a", ValueType.INT))
                .input(InputSpec.string("why", "", false)).output("INT", ValueType.INT).build(), (in, ctx) -> {
                    throw new IllegalStateException("kaboom: " + in.getString("why"));
                }));
        Fixtures.Recorder rec = new Fixtures.Recorder();
        RunResult r = run("""
                {"1": {"class_type": "Int", "inputs": {"value": 4}},
                 "2": {"class_type": "Boom", "inputs": {"a": ["1", 0], "why": "disk full"}},
                 "3": {"class_type": "Show", "inputs": {"value": ["2", 0]}}}
                """, rec);
        assertEquals(RunResult.Status.FAILED, r.status());
        ExecutionEvent.ExecutionError e = r.failure().orElseThrow();
        assertEquals("2", e.nodeId());
        assertEquals("Boom", e.classType());
        assertEquals("kaboom: disk full", e.message());
        assertEquals("java.lang.IllegalStateException", e.exceptionType());
        assertEquals("execution_error", e.errorType());
        assertEquals(Map.of("a", "4", "why", "\"disk full\""), e.currentInputs());
        assertEquals(List.of("1"), e.executed());
        assertEquals(List.of("execution_start", "execution_cached", "executing", "executing", "execution_error", "executing"),
                rec.types());
        assertEquals(List.of("1", "2", "null"), rec.executing());
        assertEquals(0, shows.count());

        // Usable afterwards, and what succeeded before the failure stays cached.
        RunResult next = run(chain(4, 3));
        assertEquals(RunResult.Status.SUCCESS, next.status());
        assertEquals(List.of("1"), next.cached());
    }

    @Test
    void nodeExceptionsKeepTheirTypeAndInputAndEvenErrorsAreContained() {
        f.register(new TestNode(NodeDescriptor.builder("Refuse").input(InputSpec.integer("n", 0, 0, 9, 1)).outputNode(true).build(),
                (in, ctx) -> {
                    throw NodeException.invalidInput("n", "n must be odd");
                }));
        f.register(new TestNode(NodeDescriptor.builder("Deep").outputNode(true).build(), (in, ctx) -> {
            throw new StackOverflowError();
        }));
        f.register(new TestNode(NodeDescriptor.builder("Short").output("A", ValueType.INT).output("B", ValueType.INT).build(),
                (in, ctx) -> NodeResult.of(1L)));
        RunResult refused = run("{\"1\": {\"class_type\": \"Refuse\", \"inputs\": {\"n\": 2}}}");
        assertEquals("invalid_input", refused.error().errorType());
        assertEquals("n", refused.error().inputName());
        assertEquals("n must be odd", refused.error().message());

        RunResult deep = run("{\"1\": {\"class_type\": \"Deep\"}}");
        assertEquals(RunResult.Status.FAILED, deep.status());
        assertEquals("java.lang.StackOverflowError", deep.error().exceptionType());
        assertEquals("StackOverflowError", deep.error().message());

        RunResult shortResult = run("{\"1\": {\"class_type\": \"Short\"}, \"2\": {\"class_type\": \"Show\", \"inputs\": {\"value\": [\"1\", 1]}}}");
        assertEquals("1", shortResult.error().nodeId());
        assertEquals("node type Short returned 1 value(s) but declares 2 output(s)", shortResult.error().message());

        assertEquals(RunResult.Status.SUCCESS, run(chain(1, 1)).status());
    }

    @Test
    void aNullOutputReachesTheNextNodeAsAClearError() {
        f.register(new TestNode(NodeDescriptor.builder("Nothing").output("INT", ValueType.INT).build(),
                (in, ctx) -> NodeResult.of((Object) null)));
        RunResult r = run("{\"1\": {\"class_type\": \"Nothing\"}, \"2\": {\"class_type\": \"Show\", \"inputs\": {\"value\": [\"1\", 0]}}}");
        assertEquals("2", r.error().nodeId());
        assertEquals("node 2 (Show) input 'value' is linked to output 0 of node 1, which produced no value", r.error().message());
    }

    @Test
    void aThrowingListenerDoesNotBreakTheRun() {
        RunResult r = f.engine.run(f.engine.parse(chain(2, 2), null), RunOptions.defaults(), event -> {
            throw new IllegalStateException("listener bug");
        });
        assertEquals(RunResult.Status.SUCCESS, r.status());
        assertEquals(Map.of("values", List.of(4L)), r.outputs().get("3"));
    }

    @Test
    void progressReachesTheListenerWithPreviews() {
        Preview preview = new Preview(Preview.Format.PNG, new byte[] {1, 2});
        f.register(new TestNode(NodeDescriptor.builder("Steps").outputNode(true).build(), (in, ctx) -> {
            ctx.progress(1, 2);
            ctx.progress(2, 2, preview);
            return NodeResult.of();
        }));
        Fixtures.Recorder rec = new Fixtures.Recorder();
        run("{\"7\": {\"class_type\": \"Steps\"}}", rec);
        List<ExecutionEvent.Progress> progress = rec.of(ExecutionEvent.Progress.class);
        assertEquals(List.of(new ExecutionEvent.Progress("p1", "7", 1, 2, null), new ExecutionEvent.Progress("p1", "7", 2, 2, preview)),
                progress);
        assertSame(preview, progress.get(1).previewImage().orElseThrow());
    }

    @Test
    void nodesSeeTheWorkflowJsonAndExtraPngInfo() {
        AtomicReference<String> json = new AtomicReference<>();
        AtomicReference<Map<String, String>> extra = new AtomicReference<>();
        AtomicReference<String> ids = new AtomicReference<>();
        f.register(new TestNode(NodeDescriptor.builder("Save").outputNode(true).build(), (in, ctx) -> {
            json.set(ctx.workflowJson().orElseThrow());
            extra.set(ctx.extraPngInfo());
            ids.set(ctx.nodeId() + "/" + ctx.promptId());
            return NodeResult.of();
        }));
        String text = "{\"5\": {\"class_type\": \"Save\", \"_meta\": {\"title\": \"Keep\"}}}";
        f.engine.run(f.engine.parse(text, null), RunOptions.defaults().withPromptId("abc")
                .withExtraPngInfo(Map.of("workflow", "{\"nodes\":[]}")), null);
        assertEquals(text.replace(" ", ""), json.get());
        assertEquals(Map.of("workflow", "{\"nodes\":[]}"), extra.get());
        assertEquals("5/abc", ids.get());
    }

    @Test
    void anInvalidWorkflowDoesNotRunOrTouchTheCache() {
        run(chain(1, 1));
        Fixtures.Recorder rec = new Fixtures.Recorder();
        RunResult r = run("{\"1\": {\"class_type\": \"Show\", \"inputs\": {}}}", rec);
        assertEquals(RunResult.Status.INVALID, r.status());
        assertEquals("required_input_missing", r.validation().errors().get(0).type());
        assertEquals(List.of(), rec.events);
        assertEquals(3, f.engine.cachedResults());
        assertNull(r.error());
    }
}
