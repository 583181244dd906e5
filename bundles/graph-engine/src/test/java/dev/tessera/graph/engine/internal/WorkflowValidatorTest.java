package dev.tessera.graph.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.graph.api.InputProblem;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.ValueType;
import dev.tessera.graph.engine.ValidationProblem;
import dev.tessera.graph.engine.ValidationReport;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WorkflowValidatorTest {

    private final Fixtures f = new Fixtures();
    private final AtomicInteger settingsValidations = new AtomicInteger();

    @BeforeEach
    void registerTypes() {
        f.register(Fixtures.intSource());
        f.register(Fixtures.add());
        f.register(Fixtures.show());
        f.register(new TestNode(NodeDescriptor.builder("Settings")
                .input(InputSpec.decimal("factor", 1.0, 0.0, 10.0, 0.1, 0.01))
                .input(InputSpec.combo("mode", List.of("fast", "slow")))
                .input(InputSpec.bool("flag", false).asOptional())
                .input(InputSpec.string("label", "none", false).asOptional())
                .input(InputSpec.integer("count", 3, 1, 9, 1).asOptional())
                .output("INT", ValueType.INT).build(),
                (in, ctx) -> NodeResult.of(1L))
                .withValidator(in -> {
                    settingsValidations.incrementAndGet();
                    return in.getString("label").equals("bad")
                            ? List.of(new InputProblem("label", "label_reserved", "'bad' is reserved")) : List.of();
                }));
        f.register(new TestNode(NodeDescriptor.builder("Pair").output("IMAGE", ValueType.IMAGE).output("MASK", ValueType.MASK).build(),
                (in, ctx) -> NodeResult.of("img", "mask")));
        f.register(new TestNode(NodeDescriptor.builder("Anything").input(InputSpec.link("x", ValueType.ANY)).outputNode(true).build(),
                (in, ctx) -> NodeResult.of()));
    }

    private ValidationReport validate(String json) {
        return f.engine.validate(f.engine.parse(json, "test"));
    }

    private static List<String> summary(List<ValidationProblem> problems) {
        return problems.stream().map(p -> (p.nodeId() == null ? "-" : p.nodeId()) + " "
                + (p.inputName() == null ? "-" : p.inputName()) + " " + p.type()).toList();
    }

    @Test
    void aGoodWorkflowHasNoProblems() {
        ValidationReport r = validate("""
                {"1": {"class_type": "Int", "inputs": {"value": 4}},
                 "2": {"class_type": "Add", "inputs": {"a": ["1", 0], "b": ["1", 0]}},
                 "3": {"class_type": "Show", "inputs": {"value": ["2", 0]}},
                 "4": {"class_type": "Settings", "inputs": {"factor": 2, "mode": "slow"}},
                 "5": {"class_type": "Anything", "inputs": {"x": ["4", 0]}}}
                """);
        assertTrue(r.ok(), r.errors().toString());
        assertEquals(List.of(), r.warnings());
        assertEquals(List.of("3", "5"), r.outputNodes());
    }

    @Test
    void oneReportShowsEveryProblemWithNodeInputAndType() {
        ValidationReport r = validate("""
                {"1": {"class_type": "Nope", "inputs": {}},
                 "2": {"class_type": "Add", "inputs": {"b": 1}},
                 "3": {"class_type": "Add", "inputs": {"a": ["99", 0], "b": 1}},
                 "4": {"class_type": "Add", "inputs": {"a": ["10", 2], "b": 1}},
                 "5": {"class_type": "Add", "inputs": {"a": ["7", 0], "b": 1}},
                 "6": {"class_type": "Add", "inputs": {"a": ["10", 0], "b": 1001}},
                 "7": {"class_type": "Pair"},
                 "8": {"class_type": "Settings", "inputs": {"factor": -0.5, "mode": "medium", "flag": 1, "label": 3, "count": 2.5}},
                 "9": {"class_type": "Add", "inputs": {"a": 5, "b": "x"}},
                 "10": {"class_type": "Int", "inputs": {"value": -1001}},
                 "11": {"class_type": "Settings", "inputs": {"factor": 10.5, "mode": 1}},
                 "20": {"class_type": "Show", "inputs": {"value": ["2", 0]}},
                 "21": {"class_type": "Show", "inputs": {"value": ["3", 0]}},
                 "22": {"class_type": "Show", "inputs": {"value": ["4", 0]}},
                 "23": {"class_type": "Show", "inputs": {"value": ["5", 0]}},
                 "24": {"class_type": "Show", "inputs": {"value": ["6", 0]}},
                 "25": {"class_type": "Show", "inputs": {"value": ["8", 0]}},
                 "26": {"class_type": "Show", "inputs": {"value": ["9", 0]}},
                 "27": {"class_type": "Show", "inputs": {"value": ["11", 0]}},
                 "28": {"class_type": "Show", "inputs": {"value": ["1", 0]}}}
                """);
        assertEquals(List.of(
                "1 - unknown_node_type",
                "2 a required_input_missing",
                "3 a dangling_link",
                "4 a bad_output_index",
                "5 a return_type_mismatch",
                "6 b value_bigger_than_max",
                "8 factor value_smaller_than_min",
                "8 mode value_not_in_list",
                "8 flag invalid_input_type",
                "8 label invalid_input_type",
                "8 count invalid_input_type",
                "9 a invalid_input_type",
                "9 b invalid_input_type",
                "10 value value_smaller_than_min",
                "11 factor value_bigger_than_max",
                "11 mode invalid_input_type"), summary(r.errors()));
        assertEquals(List.of(), r.warnings());
        assertEquals(0, settingsValidations.get(), "a node type's own check is skipped when the host already found bad values");

        Map<String, ValidationProblem> byKey = new java.util.HashMap<>();
        r.errors().forEach(p -> byKey.put(p.nodeId() + " " + p.inputName(), p));
        assertEquals("node 1 has type 'Nope', which no installed bundle provides", byKey.get("1 null").message());
        assertEquals("node 2 (Add) is missing its required input 'a' (expected a link to an output of type INT)", byKey.get("2 a").message());
        assertEquals("node 3 (Add) input 'a' is linked to node 99, which is not in the workflow", byKey.get("3 a").message());
        assertEquals("node 4 (Add) input 'a' is linked to output 2 of node 10 (Int), which has 1 output (0 INT)", byKey.get("4 a").message());
        assertEquals("node 5 (Add) input 'a' expects INT but is linked to output 0 'IMAGE' of node 7 (Pair), which is IMAGE",
                byKey.get("5 a").message());
        assertEquals("a, IMAGE != INT", byKey.get("5 a").details());
        assertEquals("node 6 (Add) input 'b' is 1001, bigger than the maximum 1000 (allowed: -1000 to 1000)", byKey.get("6 b").message());
        assertEquals("node 8 (Settings) input 'mode' 'medium' is not one of its options; expected one of: fast, slow",
                byKey.get("8 mode").message());
        assertEquals(List.of("fast", "slow"), byKey.get("8 mode").extraInfo().get("options"));
        assertEquals("node 8 (Settings) input 'count' expects a whole number (INT) in [1, 9], got the number 2.5",
                byKey.get("8 count").message());
        assertEquals("node 9 (Add) input 'a' takes a link to an output of type INT, got the number 5", byKey.get("9 a").message());
        assertEquals(1001L, byKey.get("6 b").extraInfo().get("received_value"));
    }

    @Test
    void uploadCombosLeaveUnlistedValuesToTheNodesOwnCheck() {
        List<String> seen = new java.util.ArrayList<>();
        f.register(new TestNode(NodeDescriptor.builder("Load")
                .input(InputSpec.imageUpload("image", () -> List.of("a.png")))
                .output("IMAGE", ValueType.IMAGE).build(),
                (in, ctx) -> NodeResult.of("img"))
                .withValidator(in -> {
                    seen.add(in.getString("image"));
                    return in.getString("image").startsWith("missing")
                            ? List.of(InputProblem.of("image", "no such file")) : List.of();
                }));
        ValidationReport ok = validate("""
                {"1": {"class_type": "Load", "inputs": {"image": "b.png [output]"}},
                 "2": {"class_type": "Anything", "inputs": {"x": ["1", 0]}}}
                """);
        assertEquals(List.of(), summary(ok.errors()), "an unlisted name is not the host's to reject");
        ValidationReport bad = validate("""
                {"1": {"class_type": "Load", "inputs": {"image": "missing.png"}},
                 "2": {"class_type": "Anything", "inputs": {"x": ["1", 0]}}}
                """);
        assertEquals(List.of("1 image invalid_input"), summary(bad.errors()));
        assertEquals(List.of("b.png [output]", "missing.png"), seen);
    }

    @Test
    void cyclesNameTheNodesOnThem() {
        ValidationReport r = validate("""
                {"1": {"class_type": "Add", "inputs": {"a": ["3", 0], "b": 1}},
                 "2": {"class_type": "Add", "inputs": {"a": ["1", 0], "b": 1}},
                 "3": {"class_type": "Add", "inputs": {"a": ["2", 0], "b": 1}},
                 "4": {"class_type": "Add", "inputs": {"a": ["4", 0], "b": 1}},
                 "5": {"class_type": "Show", "inputs": {"value": ["3", 0]}},
                 "6": {"class_type": "Show", "inputs": {"value": ["4", 0]}}}
                """);
        assertEquals(List.of("1 a cycle", "2 a cycle", "3 a cycle", "4 a cycle"), summary(r.errors()));
        assertEquals("node 1 (Add) input 'a' closes a cycle: 3 -> 1 -> 2 -> 3; a workflow must not depend on itself",
                r.errors().get(0).message());
        assertEquals(List.of("1", "2", "3"), r.errors().get(0).extraInfo().get("cycle"));
        assertEquals("node 4 (Add) input 'a' closes a cycle: 4 -> 4; a workflow must not depend on itself",
                r.errors().get(3).message());
    }

    @Test
    void aWorkflowWithoutOutputNodesHasNothingToRun() {
        ValidationReport r = validate("{\"1\": {\"class_type\": \"Int\", \"inputs\": {\"value\": 4}}}");
        assertEquals(List.of("- - prompt_no_outputs"), summary(r.errors()));
        Map<String, Object> body = r.toComfyErrorBody();
        assertEquals("prompt_no_outputs", ((Map<?, ?>) body.get("error")).get("type"));
        assertEquals(Map.of(), body.get("node_errors"));
    }

    @Test
    void unknownTypesSuppressTheNoOutputError() {
        // The missing type may well be the output node; its own error says enough.
        ValidationReport r = validate("{\"1\": {\"class_type\": \"SaveSomething\", \"inputs\": {\"value\": [\"2\", 0]}},"
                + "\"2\": {\"class_type\": \"Int\", \"inputs\": {\"value\": 4}}}");
        assertEquals(List.of("1 - unknown_node_type"), summary(r.errors()));
    }

    @Test
    void nodeTypesAddTheirOwnChecksAfterTheHost() {
        ValidationReport r = validate("""
                {"1": {"class_type": "Settings", "inputs": {"factor": 1, "mode": "fast", "label": "bad"}},
                 "2": {"class_type": "Show", "inputs": {"value": ["1", 0]}}}
                """);
        assertEquals(List.of("1 label label_reserved"), summary(r.errors()));
        assertEquals("node 1 (Settings) input 'label': 'bad' is reserved", r.errors().get(0).message());
        assertEquals(1, settingsValidations.get());
    }

    @Test
    void optionalWidgetsTakeTheirDefaultsBeforeTheNodeTypeChecksThem() {
        ValidationReport r = validate("""
                {"1": {"class_type": "Settings", "inputs": {"factor": 1, "mode": "fast"}},
                 "2": {"class_type": "Show", "inputs": {"value": ["1", 0]}}}
                """);
        assertTrue(r.ok(), r.errors().toString());
        assertEquals(1, settingsValidations.get(), "label defaulted to 'none', so getString did not fail");
    }

    @Test
    void failuresWhileCheckingBecomeExceptionDuringValidation() {
        f.register(new TestNode(NodeDescriptor.builder("Fragile").input(InputSpec.integer("n", 0, 0, 9, 1))
                .outputNode(true).build(), (in, ctx) -> NodeResult.of())
                .withValidator(in -> {
                    throw new IllegalStateException("checker broke");
                }));
        f.register(new TestNode(NodeDescriptor.builder("Picky").input(InputSpec.integer("n", 0, 0, 9, 1))
                .outputNode(true).build(), (in, ctx) -> NodeResult.of())
                .withValidator(in -> {
                    throw NodeException.invalidInput("n", "must be even");
                }));
        f.register(new TestNode(NodeDescriptor.builder("Files").input(InputSpec.combo("file", () -> {
            throw new IllegalStateException("folder gone");
        }, null)).outputNode(true).build(), (in, ctx) -> NodeResult.of()));
        ValidationReport r = validate("""
                {"1": {"class_type": "Fragile", "inputs": {"n": 1}},
                 "2": {"class_type": "Picky", "inputs": {"n": 1}},
                 "3": {"class_type": "Files", "inputs": {"file": "a.png"}}}
                """);
        assertEquals(List.of("1 - exception_during_validation", "2 n invalid_input", "3 file exception_during_validation"),
                summary(r.errors()));
        assertTrue(r.errors().get(0).message().contains("checker broke"), r.errors().get(0).message());
        assertTrue(r.errors().get(2).message().contains("folder gone"), r.errors().get(2).message());
    }

    @Test
    void extraInputsAreIgnoredWithAWarningAsInComfyUI() {
        ValidationReport r = validate("""
                {"1": {"class_type": "Int", "inputs": {"value": 4, "colour": "red"}},
                 "2": {"class_type": "Show", "inputs": {"value": ["1", 0]}}}
                """);
        assertTrue(r.ok());
        assertEquals(List.of("1 colour unknown_input"), summary(r.warnings()));
        assertEquals("node 1 (Int) has no input 'colour'; it is ignored (inputs: value)", r.warnings().get(0).message());
    }

    @Test
    void nodesNoOutputNeedsAreCheckedToo() {
        ValidationReport r = validate("""
                {"1": {"class_type": "Int", "inputs": {"value": 4}},
                 "2": {"class_type": "Show", "inputs": {"value": ["1", 0]}},
                 "3": {"class_type": "Add", "inputs": {"b": 5000}}}
                """);
        assertEquals(List.of("3 a required_input_missing", "3 b value_bigger_than_max"), summary(r.errors()));
        assertEquals(Map.of("3", List.of()), r.dependentOutputs(), "no output depends on node 3");
        assertEquals(List.of(), r.warnings());
    }

    @Test
    void errorBodyHasComfyUIShapeWithDependentOutputs() {
        ValidationReport r = validate("""
                {"1": {"class_type": "Int", "inputs": {"value": 4000}},
                 "2": {"class_type": "Add", "inputs": {"a": ["1", 0], "b": 1}},
                 "3": {"class_type": "Show", "inputs": {"value": ["2", 0]}},
                 "4": {"class_type": "Show", "inputs": {"value": ["1", 0]}}}
                """);
        assertEquals(List.of("1 value value_bigger_than_max"), summary(r.errors()));
        assertEquals(Map.of("1", List.of("3", "4")), r.dependentOutputs());
        Map<String, Object> body = r.toComfyErrorBody();
        assertEquals(Map.of("type", "prompt_outputs_failed_validation", "message", "Prompt outputs failed validation",
                "details", "", "extra_info", Map.of()), body.get("error"));
        Map<?, ?> nodeErrors = (Map<?, ?>) body.get("node_errors");
        Map<?, ?> one = (Map<?, ?>) nodeErrors.get("1");
        assertEquals("Int", one.get("class_type"));
        assertEquals(List.of("3", "4"), one.get("dependent_outputs"));
        Map<?, ?> error = (Map<?, ?>) ((List<?>) one.get("errors")).get(0);
        assertEquals("value_bigger_than_max", error.get("type"));
        assertEquals("value", error.get("details"));
        assertEquals(Map.of("input_name", "value", "received_value", 4000L, "max", 1000L), error.get("extra_info"));
    }

    @Test
    void askingForANodeThatIsNotAnOutputIsAnError() {
        var workflow = f.engine.parse("""
                {"1": {"class_type": "Int", "inputs": {"value": 4}},
                 "2": {"class_type": "Show", "inputs": {"value": ["1", 0]}}}
                """, null);
        var v = new WorkflowValidator(workflow, f.registry.snapshot(), Set.of("1", "7")).validate();
        assertEquals(List.of("1 - invalid_prompt", "7 - invalid_prompt"),
                summary(v.report().errors()).stream().sorted().toList());
        var only = new WorkflowValidator(workflow, f.registry.snapshot(), Set.of("2")).validate();
        assertTrue(only.report().ok());
        assertEquals(List.of("2"), only.outputs());
        assertFalse(v.report().ok());
    }
}
