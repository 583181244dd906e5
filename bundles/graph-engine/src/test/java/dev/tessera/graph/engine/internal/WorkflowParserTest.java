package dev.tessera.graph.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.graph.engine.InputValue;
import dev.tessera.graph.engine.ParseProblem;
import dev.tessera.graph.engine.Workflow;
import dev.tessera.graph.engine.WorkflowNode;
import dev.tessera.graph.engine.WorkflowParseException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkflowParserTest {

    private final WorkflowParser parser = new WorkflowParser();

    @Test
    void readsNodesLinksLiteralsAndTitle() {
        Workflow w = parser.parse("""
                {"1": {"class_type": "Int", "inputs": {"value": 5}, "_meta": {"title": "Five"}},
                 "2": {"class_type": "Add", "inputs": {"a": ["1", 0], "b": 2.0, "c": 2.5, "s": "x", "t": true,
                                                        "o": {"k": [1, "z"]}, "n": null}},
                 "3": {"class_type": "Show", "inputs": {"value": [2, 0]}}}
                """, "w.json");
        assertEquals(List.of("1", "2", "3"), List.copyOf(w.nodes().keySet()));
        WorkflowNode one = w.nodes().get("1");
        assertEquals("Int", one.classType());
        assertEquals("Five", one.title());
        assertEquals(new InputValue.Literal(5L), one.inputs().get("value"));
        Map<String, InputValue> two = w.nodes().get("2").inputs();
        assertEquals(new InputValue.Link("1", 0), two.get("a"));
        assertEquals(new InputValue.Literal(2L), two.get("b"), "a whole number written 2.0 reads as INT-compatible 2");
        assertEquals(new InputValue.Literal(2.5), two.get("c"));
        assertEquals(new InputValue.Literal("x"), two.get("s"));
        assertEquals(new InputValue.Literal(true), two.get("t"));
        assertEquals(new InputValue.Literal(Map.of("k", List.of(1L, "z"))), two.get("o"));
        assertEquals(new InputValue.Literal(null), two.get("n"));
        assertEquals(new InputValue.Link("2", 0), w.nodes().get("3").inputs().get("value"), "numeric source id becomes \"2\"");
        assertNull(w.nodes().get("3").title());
        assertTrue(w.json().contains("\"title\":\"Five\""), "the kept JSON keeps _meta: " + w.json());
    }

    @Test
    void badJsonSaysLineAndColumn() {
        WorkflowParseException e = assertThrows(WorkflowParseException.class,
                () -> parser.parse("{\n  \"1\": {\"class_type\": \"Int\",,}\n}", "broken.json"));
        assertEquals(2, e.line());
        assertTrue(e.column() > 0);
        assertEquals("invalid_json", e.problems().get(0).type());
        assertTrue(e.getMessage().matches("broken\\.json: not valid JSON at line 2, column \\d+: [a-z][^\\n]*"), e.getMessage());
        assertFalse(e.getMessage().contains("path $"), "Gson's position suffix is not repeated: " + e.getMessage());
    }

    @Test
    void strictJsonOnly() {
        for (String text : List.of("{\"1\": {'class_type': 'Int'}}", "{\"1\": {}} // comment", "{} {}", "", "{\"a\": NaN}")) {
            WorkflowParseException e = assertThrows(WorkflowParseException.class, () -> parser.parse(text, null), text);
            assertEquals("invalid_json", e.problems().get(0).type(), text);
        }
    }

    @Test
    void rootMustBeAnObject() {
        WorkflowParseException e = assertThrows(WorkflowParseException.class, () -> parser.parse("[1, 2]", "list.json"));
        assertEquals(List.of(new ParseProblem(null, null, "invalid_prompt",
                "a workflow in API format is a JSON object of nodes keyed by id, got an array")), e.problems());
        assertEquals(-1, e.line());
    }

    @Test
    void everyStructuralProblemIsReportedWithItsNodeAndInput() {
        WorkflowParseException e = assertThrows(WorkflowParseException.class, () -> parser.parse("""
                {"1": 5,
                 "2": {"inputs": {}},
                 "3": {"class_type": 7},
                 "4": {"class_type": "Add", "inputs": {"a": ["1"], "b": ["1", -1], "c": ["1", 0.5], "d": ["1", "0"],
                                                        "e": [true, 0], "f": [["1"], 0], "g": ["1", 0]}},
                 "5": {"class_type": "Add", "inputs": [1]}}
                """, null));
        List<String> where = e.problems().stream().map(p -> p.nodeId() + " " + p.inputName() + " " + p.type()).toList();
        assertEquals(List.of("1 null invalid_prompt", "2 null invalid_prompt", "3 null invalid_prompt",
                "4 a invalid_prompt", "4 b invalid_prompt", "4 c invalid_prompt", "4 d invalid_prompt",
                "4 e invalid_prompt", "4 f invalid_prompt", "5 null invalid_prompt"), where);
        assertTrue(e.problems().get(1).message().contains("\"class_type\" must be a non-empty string"), e.problems().get(1).message());
        assertTrue(e.problems().get(3).message().contains("[source node id, output index]"), e.problems().get(3).message());
    }

    @Test
    void hugeWholeNumbersStayNumbers() {
        Workflow w = parser.parse("{\"1\": {\"class_type\": \"Int\", \"inputs\": {\"value\": 18446744073709551615,"
                + " \"more\": 18446744073709551616}}}", null);
        assertEquals(new InputValue.Literal(new java.math.BigInteger("18446744073709551615")), w.nodes().get("1").inputs().get("value"),
                "ComfyUI's largest seed, exactly");
        assertEquals(new InputValue.Literal(1.8446744073709552E19), w.nodes().get("1").inputs().get("more"));
    }
}
