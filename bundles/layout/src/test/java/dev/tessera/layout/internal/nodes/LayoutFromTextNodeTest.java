package dev.tessera.layout.internal.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.graph.api.InputProblem;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.ValueType;
import dev.tessera.graph.api.Widget;
import dev.tessera.layout.Box;
import dev.tessera.layout.Layout;
import dev.tessera.layout.LayoutParser;
import dev.tessera.layout.LayoutSource;
import dev.tessera.layout.CoordinateConvention;
import dev.tessera.layout.ParseRequest;
import dev.tessera.layout.internal.RuleBasedLayoutParser;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RunScope;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LayoutFromTextNodeTest {

    /** A second parser service: the whole prompt as one instance over the left half. */
    private static final class HalfCanvasParser implements LayoutParser {
        @Override public String id() { return "half"; }
        @Override public String displayName() { return "Half canvas"; }
        @Override public Layout parse(ParseRequest request) {
            return Layout.builder(request.prompt()).size(request.width(), request.height())
                    .source(new LayoutSource(id(), CoordinateConvention.NORMALIZED))
                    .add(request.prompt(), new Box(0, 0, 0.5, 1)).build();
        }
    }

    private RunScope scope;
    private LayoutFromTextNode node;

    @BeforeEach
    void setUp() {
        scope = new RunScope();
        node = new LayoutFromTextNode();
        node.addParser(new RuleBasedLayoutParser());
    }

    @AfterEach
    void tearDown() throws Exception {
        scope.close();
    }

    private Layout run(MapInputs in) {
        return (Layout) node.execute(in, new RecordingContext(scope)).value(0);
    }

    private static MapInputs inputs(String prompt) {
        return new MapInputs().with("prompt", prompt).with("parser", "rule-based").with("width", 640L)
                .with("height", 512L);
    }

    @Test
    void descriptorDeclaresPromptParserAndCanvas() {
        NodeDescriptor d = node.descriptor();
        assertEquals("LayoutFromText", d.typeId());
        assertEquals("layout", d.category());
        assertEquals(new Widget.StringWidget("", true), d.input("prompt").orElseThrow().widget());
        Widget.ComboWidget parser = (Widget.ComboWidget) d.input("parser").orElseThrow().widget();
        assertEquals("rule-based", parser.currentDefault());
        assertEquals(new Widget.IntWidget(512, 64, 16384, 8), d.input("width").orElseThrow().widget());
        assertEquals(new Widget.IntWidget(512, 64, 16384, 8), d.input("height").orElseThrow().widget());
        assertEquals(1, d.outputs().size());
        assertEquals("LAYOUT", d.outputs().get(0).name());
        assertEquals(ValueType.LAYOUT, d.outputs().get(0).type());
    }

    @Test
    void parserChoiceFollowsTheServicesPresentNow() {
        Widget.ComboWidget parser = (Widget.ComboWidget) node.descriptor().input("parser").orElseThrow().widget();
        assertEquals(List.of("rule-based"), parser.currentOptions());
        HalfCanvasParser half = new HalfCanvasParser();
        node.addParser(half);
        assertEquals(List.of("half", "rule-based"), parser.currentOptions());
        assertEquals("rule-based", parser.currentDefault(), "the declared default while it is present");
        Layout l = run(inputs("a lighthouse").with("parser", "half"));
        assertEquals(new Box(0, 0, 0.5, 1), l.instance(0).box());

        node.removeParser(half);
        assertEquals(List.of("rule-based"), parser.currentOptions());
        NodeException gone = assertThrows(NodeException.class, () -> run(inputs("a lighthouse").with("parser", "half")));
        assertEquals("parser", gone.inputName());
        assertTrue(gone.getMessage().contains("'half'") && gone.getMessage().contains("[rule-based]"), gone.getMessage());
    }

    @Test
    void promptBecomesALayoutForTheCanvas() {
        Layout l = run(inputs("a red apple left of a blue cup"));
        assertEquals("a red apple left of a blue cup", l.caption());
        assertEquals(List.of("a red apple", "a blue cup"), l.instances().stream().map(i -> i.phrase()).toList());
        assertTrue(l.instance(0).box().x2() <= l.instance(1).box().x1(), "the apple is left of the cup: " + l);
        assertEquals(640, l.width().getAsInt());
        assertEquals(512, l.height().getAsInt());
        assertEquals("rule-based", l.source().format());
    }

    @Test
    void blankPromptFailsValidationNamingThePrompt() {
        List<InputProblem> problems = node.validate(inputs(" \n "));
        assertEquals(1, problems.size());
        assertEquals("prompt", problems.get(0).input());
        assertTrue(node.validate(inputs("two cats")).isEmpty());
        assertTrue(node.validate(new MapInputs().with("parser", "rule-based")).isEmpty(), "a linked prompt is absent");
        assertEquals("prompt", assertThrows(NodeException.class, () -> run(inputs(""))).inputName());
    }

    @Test
    void aPromptOverCLIPTextEncodesCharacterLimitIsRefusedAtValidationAndWhenLinked() {
        String tooLong = "a cat ".repeat(3334) + "x"; // 20,005 characters, the default limit 20,000
        List<InputProblem> problems = node.validate(inputs(tooLong));
        assertEquals(1, problems.size());
        assertEquals("prompt", problems.get(0).input());
        assertEquals("the prompt has 20005 characters, more than the limit of 20000 (tessera.prompt.maxChars)",
                problems.get(0).message());
        assertTrue(node.validate(inputs("a cat ".repeat(3333))).isEmpty(), "19,998 characters are within the limit");
        // A linked prompt skips validation; execute refuses it before the parser sees it.
        NodeException linked = assertThrows(NodeException.class, () -> run(inputs(tooLong)));
        assertEquals("prompt", linked.inputName());
        assertTrue(linked.getMessage().contains("(tessera.prompt.maxChars)"), linked.getMessage());
    }

    @Test
    void parserErrorsNameThePromptAndKeepThePosition() {
        NodeException nothing = assertThrows(NodeException.class, () -> run(inputs("best quality, 8k, highly detailed")));
        assertEquals("prompt", nothing.inputName());
        assertEquals("invalid_input", nothing.type());
        assertTrue(nothing.getMessage().contains("found nothing to lay out"), nothing.getMessage());
        NodeException huge = assertThrows(NodeException.class, () -> run(inputs("a cat and 5000 dogs")));
        assertTrue(huge.getMessage().contains("character 11"), huge.getMessage());
    }

    @Test
    void linkedCanvasSidesAreRangeChecked() {
        NodeException e = assertThrows(NodeException.class, () -> run(inputs("a cat").with("height", 0L)));
        assertEquals("height", e.inputName());
        assertTrue(e.getMessage().contains("64..16384"), e.getMessage());
    }
}
