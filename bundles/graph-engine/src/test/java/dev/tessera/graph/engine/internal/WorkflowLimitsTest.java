package dev.tessera.graph.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.graph.engine.ParseProblem;
import dev.tessera.graph.engine.RunOptions;
import dev.tessera.graph.engine.RunResult;
import dev.tessera.graph.engine.ValidationProblem;
import dev.tessera.graph.engine.WorkflowLimits;
import dev.tessera.graph.engine.WorkflowParseException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Hostile sizes: deep nesting, long chains, long cycles, many nodes, duplicate names; no recursion may overflow. */
class WorkflowLimitsTest {

    private static final int HUGE = 100_000;

    private final Fixtures f = new Fixtures();

    private static String nestedLiteral(String open, String close, int depth) {
        return "{\"1\": {\"class_type\": \"Int\", \"inputs\": {\"value\": " + open.repeat(depth) + "1" + close.repeat(depth) + "}}}";
    }

    @Test
    void deepNestingIsRefusedWithItsLimitNotAStackOverflow() {
        for (String[] brackets : List.of(new String[] {"[", "]"}, new String[] {"{\"a\": ", "}"})) {
            WorkflowParseException e = assertThrows(WorkflowParseException.class,
                    () -> f.engine.parse(nestedLiteral(brackets[0], brackets[1], HUGE), "deep.json"));
            ParseProblem p = e.problems().get(0);
            assertEquals("invalid_json", p.type());
            assertTrue(p.message().contains("nested deeper than the limit of 100 levels (tessera.workflow.maxDepth)"), p.message());
            assertEquals(1, e.line());
            // workflow 1, node 2, inputs 3: the 98th bracket of the literal is level 101
            String before = "{\"1\": {\"class_type\": \"Int\", \"inputs\": {\"value\": ";
            assertEquals(before.length() + 97 * brackets[0].length() + 1, e.column(), brackets[0]);
        }
        // 97 levels inside the inputs: the limit exactly
        assertEquals(1, f.engine.parse(nestedLiteral("{\"a\": ", "}", 97), null).nodes().size());
    }

    @Test
    void aChainOfAHundredThousandNodesValidatesRunsAndIsCached() {
        f.register(Fixtures.intSource());
        f.register(Fixtures.add());
        f.register(Fixtures.show());
        StringBuilder json = new StringBuilder("{\"1\": {\"class_type\": \"Int\", \"inputs\": {\"value\": 3}}");
        for (int i = 2; i < HUGE; i++) {
            json.append(",\"").append(i).append("\": {\"class_type\": \"Add\", \"inputs\": {\"a\": [\"").append(i - 1)
                    .append("\", 0], \"b\": 2}}");
        }
        json.append(",\"").append(HUGE).append("\": {\"class_type\": \"Show\", \"inputs\": {\"value\": [\"").append(HUGE - 1).append("\", 0]}}}");
        var workflow = f.engine.parse(json.toString(), "chain.json");
        RunResult r = f.engine.run(workflow, RunOptions.defaults(), new Fixtures.Recorder());
        assertEquals(RunResult.Status.SUCCESS, r.status(), () -> String.valueOf(r.error()));
        // 3 + 2 per Add node (2 .. 99999)
        assertEquals(Map.of("values", List.of(3L + 2L * (HUGE - 2))), r.outputs().get(String.valueOf(HUGE)));
        assertEquals(HUGE, r.executed().size());
        RunResult again = f.engine.run(workflow, RunOptions.defaults(), new Fixtures.Recorder());
        assertEquals(0, again.executed().size());
        assertEquals(HUGE, again.cached().size());
    }

    @Test
    void aCycleOfAHundredThousandNodesIsReportedWithoutWalkingItPerLink() {
        f.register(Fixtures.add());
        f.register(Fixtures.show());
        StringBuilder json = new StringBuilder("{");
        for (int i = 1; i < HUGE; i++) {
            int previous = i == 1 ? HUGE - 1 : i - 1;
            json.append('"').append(i).append("\": {\"class_type\": \"Add\", \"inputs\": {\"a\": [\"").append(previous)
                    .append("\", 0], \"b\": 1}},");
        }
        json.append("\"show\": {\"class_type\": \"Show\", \"inputs\": {\"value\": [\"1\", 0]}}}");
        RunResult r = f.engine.run(f.engine.parse(json.toString(), null), RunOptions.defaults(), new Fixtures.Recorder());
        assertEquals(RunResult.Status.INVALID, r.status());
        List<ValidationProblem> errors = r.validation().errors();
        assertEquals(HUGE - 1, errors.size());
        assertTrue(errors.stream().allMatch(p -> p.type().equals("cycle")));
        assertTrue(errors.get(0).message().contains("one of 99999 nodes that depend on each other"), errors.get(0).message());
        assertEquals(50, ((List<?>) errors.get(0).extraInfo().get("cycle")).size());
    }

    @Test
    void moreNodesThanTheLimitAreRefusedNamingIt() {
        Fixtures small = new Fixtures(new WorkflowLimits(10, 3));
        WorkflowParseException e = assertThrows(WorkflowParseException.class, () -> small.engine.parse(
                "{\"1\": {\"class_type\": \"A\"}, \"2\": {\"class_type\": \"A\"}, \"3\": {\"class_type\": \"A\"}, \"4\": {\"class_type\": \"A\"}}", "w.json"));
        assertEquals(List.of(new ParseProblem(null, null, "invalid_prompt",
                "the workflow has 4 nodes, more than the limit of 3 (tessera.workflow.maxNodes)")), e.problems());
        assertEquals(1, small.engine.parse("{\"1\": {\"class_type\": \"A\", \"inputs\": {\"x\": {\"a\": {\"b\": 1}}}}}", null).nodes().size());
        assertThrows(WorkflowParseException.class,
                () -> small.engine.parse("{\"1\": {\"class_type\": \"A\", \"inputs\": {\"x\": {\"a\": [[[[[[[1]]]]]]]}}}}", null));
    }

    @Test
    void limitsComeFromPropertiesAndBadValuesNameTheProperty() {
        assertEquals(new WorkflowLimits(20, 7), WorkflowLimits.from(Map.of("tessera.workflow.maxDepth", "20",
                "tessera.workflow.maxNodes", " 7")::get));
        assertEquals(WorkflowLimits.DEFAULTS, WorkflowLimits.from(k -> null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WorkflowLimits.from(Map.of("tessera.workflow.maxNodes", "many")::get));
        assertEquals("tessera.workflow.maxNodes must be a whole number, got 'many'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new WorkflowLimits(5000, 1));
        assertEquals("tessera.workflow.maxDepth must be 3 to 1000, got 5000", e.getMessage());
    }

    @Test
    void aNodeIdGivenTwiceIsAnErrorNamingIt() {
        WorkflowParseException e = assertThrows(WorkflowParseException.class, () -> f.engine.parse("""
                {"1": {"class_type": "Int", "inputs": {"value": 1}},
                 "1": {"class_type": "Show", "inputs": {"value": ["1", 0]}}}
                """, "dup.json"));
        assertEquals(List.of(new ParseProblem("1", null, "invalid_prompt",
                "node id 1 is given twice (again at line 2, column 2); each node needs its own id")), e.problems());
    }

    @Test
    void anInputGivenTwiceIsAnError() {
        WorkflowParseException e = assertThrows(WorkflowParseException.class, () -> f.engine.parse(
                "{\"1\": {\"class_type\": \"Int\", \"inputs\": {\"value\": 1, \"value\": 2}}}", "dup.json"));
        assertEquals("invalid_json", e.problems().get(0).type());
        assertEquals("dup.json: not valid JSON at line 1, column 52: the name \"value\" appears twice in one object", e.getMessage());
    }

    @Test
    void messagesCarryNoLibraryHints() {
        for (String text : List.of("{'1': {}}", "{\"1\": {}} // c", "{\"1\": x}", "{\"1\": NaN}", "{\"1\": {", "{\"1\" {}}")) {
            WorkflowParseException e = assertThrows(WorkflowParseException.class, () -> f.engine.parse(text, "w.json"), text);
            String m = e.getMessage();
            assertFalse(m.contains("setStrictness") || m.contains("LENIENT") || m.contains("JsonReader") || m.contains("http")
                    || m.contains("path $") || m.contains("\n"), m);
            assertTrue(m.matches("w\\.json: not valid JSON at line 1, column \\d+: [a-zA-Z].*"), m);
        }
    }

    @Test
    void seedsTakeComfyUIsWholeRangeExactly() {
        java.util.concurrent.atomic.AtomicLong got = new java.util.concurrent.atomic.AtomicLong();
        f.register(new TestNode(dev.tessera.graph.api.NodeDescriptor.builder("Seed").outputNode(true)
                .input(dev.tessera.graph.api.InputSpec.integer("seed", 0, 0, dev.tessera.graph.api.Widget.IntWidget.UNSIGNED_MAX, 1))
                .build(), (in, ctx) -> {
                    got.set(in.getInt("seed"));
                    return dev.tessera.graph.api.NodeResult.of();
                }));
        RunResult top = f.engine.run(f.engine.parse("{\"1\": {\"class_type\": \"Seed\", \"inputs\": {\"seed\": 18446744073709551615}}}",
                null), RunOptions.defaults(), new Fixtures.Recorder());
        assertEquals(RunResult.Status.SUCCESS, top.status(), () -> top.validation().errors().toString());
        assertEquals(0xffffffffffffffffL, got.get(), "2^64-1 reaches the node as the long with all 64 bits set");
        RunResult big = f.engine.run(f.engine.parse("{\"1\": {\"class_type\": \"Seed\", \"inputs\": {\"seed\": 9223372036854775808}}}",
                null), RunOptions.defaults(), new Fixtures.Recorder());
        assertEquals(RunResult.Status.SUCCESS, big.status());
        assertEquals(Long.MIN_VALUE, got.get(), "2^63");
        for (String[] c : List.of(new String[] {"18446744073709551616", "value_bigger_than_max"},
                new String[] {"-1", "value_smaller_than_min"})) {
            RunResult r = f.engine.run(f.engine.parse("{\"1\": {\"class_type\": \"Seed\", \"inputs\": {\"seed\": " + c[0] + "}}}",
                    null), RunOptions.defaults(), new Fixtures.Recorder());
            ValidationProblem p = r.validation().errors().get(0);
            assertEquals(c[1], p.type(), c[0]);
            assertTrue(p.message().contains("(allowed: 0 to 18446744073709551615)"), p.message());
        }
    }
}
