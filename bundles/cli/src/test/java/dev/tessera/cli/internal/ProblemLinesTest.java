package dev.tessera.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tessera.graph.engine.ExecutionEvent;
import dev.tessera.graph.engine.ParseProblem;
import dev.tessera.graph.engine.ValidationProblem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProblemLinesTest {

    @Test
    void validationProblemNamesNodeClassTypeInputAndType() {
        var p = new ValidationProblem("2", "width", "ImageScale", "value_smaller_than_min", "width -5 is below 0", "width", Map.of());
        assertEquals("node 2 (ImageScale) input 'width': value_smaller_than_min: width -5 is below 0", ProblemLines.of(p));
    }

    @Test
    void aMessageThatNamesItsSubjectIsNotRepeated() {
        var p = new ValidationProblem("2", "width", "ImageScale", "value_smaller_than_min",
                "node 2 (ImageScale) input 'width' is -5, smaller than the minimum 0", "width", Map.of());
        assertEquals("node 2 (ImageScale) input 'width': value_smaller_than_min: is -5, smaller than the minimum 0",
                ProblemLines.of(p));
        var other = new ValidationProblem("6", null, "NoSuchNode", "unknown_node_type",
                "node 6 has type 'NoSuchNode', which no installed bundle provides", null, null);
        assertEquals("node 6 (NoSuchNode): unknown_node_type: node 6 has type 'NoSuchNode', which no installed bundle provides",
                ProblemLines.of(other));
        // A node's own validate() problems come prefixed by the engine with "node 4 (LoadImage) input 'image': ".
        var own = new ValidationProblem("4", "image", "LoadImage", "invalid_input",
                "node 4 (LoadImage) input 'image': Invalid image file: a.png (no such file in /in)", "image", Map.of());
        assertEquals("node 4 (LoadImage) input 'image': invalid_input: Invalid image file: a.png (no such file in /in)",
                ProblemLines.of(own));
    }

    @Test
    void problemOfANodeButNoInputLeavesTheInputOut() {
        var p = new ValidationProblem("6", null, "NoSuchNode", "unknown_node_type", "no such type", null, null);
        assertEquals("node 6 (NoSuchNode): unknown_node_type: no such type", ProblemLines.of(p));
    }

    @Test
    void workflowLevelProblemsSayWorkflow() {
        var p = new ValidationProblem(null, null, null, "prompt_no_outputs", "no output node", null, null);
        assertEquals("workflow: prompt_no_outputs: no output node", ProblemLines.of(p));
        assertEquals("workflow: invalid_json: line 3", ProblemLines.of(new ParseProblem(null, null, "invalid_json", "line 3")));
    }

    @Test
    void parseProblemsHaveNoClassType() {
        assertEquals("node 1 input 'image': invalid_prompt: bad link",
                ProblemLines.of(new ParseProblem("1", "image", "invalid_prompt", "bad link")));
    }

    @Test
    void executionErrorShowsTheExceptionsSimpleNameAndTheInputsItGot() {
        Map<String, String> inputs = new LinkedHashMap<>();
        inputs.put("image", "IMAGE [1, 8, 8, 3]");
        inputs.put("width", "0");
        var e = new ExecutionEvent.ExecutionError("p", "3", "ImageScale", "cannot scale to 0 x 0",
                "java.lang.IllegalArgumentException", "execution_error", null, inputs, List.of("1"));
        assertEquals(List.of(
                "node 3 (ImageScale): execution_error: cannot scale to 0 x 0 (IllegalArgumentException)",
                "    image = IMAGE [1, 8, 8, 3]",
                "    width = 0"), ProblemLines.of(e));
    }
}
