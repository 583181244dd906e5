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
import dev.tessera.layout.ImageSource;
import dev.tessera.layout.Layout;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RunScope;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LayoutFromJsonNodeTest {

    private static final String JSON = """
            {"caption": "a cat and a dog", "instances": [
              {"phrase": "a cat", "box": [0.1, 0.2, 0.4, 0.8]},
              {"phrase": "a dog", "box": [0.5, 0.2, 0.9, 0.8]}]}""";
    private static final String MIGC = "{'prompt_final': [['a photo of a cat and a dog', 'a cat', 'a dog']],"
            + " 'bboxes': [[[0.0, 0.1, 0.5, 0.9], [0.5, 0.1, 1.0, 0.9]]]}";
    private static final String HICO = """
            [[{"id": 7}, "a man and a dog on a beach", 3, {"W": 512, "H": 256}, "img/7.jpg",
              [["a man and a dog on a beach", [0, 0, 512, 256]], ["a man", [64, 32, 256, 224]],
               ["a dog", [300, 128, 512, 256]]], [0, 0]]]""";
    private static final String CONTEXTGEN = """
            [{"caption": "A lion on an armchair.", "width": 512,
              "instances": [{"image": "lion.png", "bbox": [128, 64, 384, 320], "phrase": "A lion"}]},
             {"caption": "A cup on a table.", "width": 256, "height": 128,
              "instances": [{"image": "cup.png", "bbox": [64, 32, 128, 96], "phrase": "A cup"},
                            {"image": "table.png", "bbox": [0, 64, 256, 128], "phrase": "A table"}]}]""";

    private final RunScope scope = new RunScope();
    private final LayoutFromJsonNode node = new LayoutFromJsonNode();

    @AfterEach
    void tearDown() throws Exception {
        scope.close();
    }

    private static MapInputs inputs(String text, String format) {
        return new MapInputs().with("text", text).with("format", format).with("index", 0L).with("width", 0L)
                .with("height", 0L);
    }

    private Layout run(MapInputs in) {
        return (Layout) node.execute(in, new RecordingContext(scope)).value(0);
    }

    @Test
    void descriptorOffersTheJsonLikeFormats() {
        NodeDescriptor d = node.descriptor();
        assertEquals("LayoutFromJSON", d.typeId());
        assertEquals(new Widget.StringWidget("", true), d.input("text").orElseThrow().widget());
        Widget.ComboWidget format = (Widget.ComboWidget) d.input("format").orElseThrow().widget();
        assertEquals(List.of("json", "migc", "hico", "contextgen"), format.currentOptions());
        assertEquals(new Widget.IntWidget(0, 0, 16384, 8), d.input("width").orElseThrow().widget());
        assertEquals(0L, d.input("index").orElseThrow().widget().defaultLiteral());
        assertEquals(ValueType.LAYOUT, d.outputs().get(0).type());
    }

    @Test
    void readsEachFormat() {
        Layout json = run(inputs(JSON, "json"));
        assertEquals("a cat and a dog", json.caption());
        assertEquals(new Box(0.5, 0.2, 0.9, 0.8), json.instance(1).box());
        assertTrue(json.width().isEmpty(), "no frame in the text, none asked for");

        Layout migc = run(inputs(MIGC, "migc"));
        assertEquals("a photo of a cat and a dog", migc.caption());
        assertEquals(List.of("a cat", "a dog"), migc.instances().stream().map(i -> i.phrase()).toList());
        assertEquals(new Box(0.5, 0.1, 1.0, 0.9), migc.instance(1).box());

        Layout hico = run(inputs(HICO, "hico"));
        assertEquals(2, hico.size(), "the global entry is the caption, not an instance");
        // [64, 32, 256, 224] of 512 x 256
        assertEquals(new Box(0.125, 0.125, 0.5, 0.875), hico.instance(0).box());
        assertEquals(512, hico.width().getAsInt());
        assertEquals(256, hico.height().getAsInt());

        Layout lion = run(inputs(CONTEXTGEN, "contextgen"));
        assertEquals(new Box(0.25, 0.125, 0.75, 0.625), lion.instance(0).box());
        assertEquals(new ImageSource.File("lion.png"), lion.instance(0).reference().orElseThrow());
    }

    @Test
    void indexPicksOneLayoutOfAList() {
        Layout cup = run(inputs(CONTEXTGEN, "contextgen").with("index", 1L));
        assertEquals("A cup on a table.", cup.caption());
        // [64, 32, 128, 96] of 256 x 128
        assertEquals(new Box(0.25, 0.25, 0.5, 0.75), cup.instance(0).box());

        List<InputProblem> problems = node.validate(inputs(CONTEXTGEN, "contextgen").with("index", 2L));
        assertEquals(1, problems.size());
        assertEquals("index", problems.get(0).input());
        assertEquals("is 2 but the text holds 2 layouts; expected 0..1", problems.get(0).message());
        NodeException e = assertThrows(NodeException.class, () -> run(inputs(MIGC, "migc").with("index", 1L)));
        assertEquals("index", e.inputName());
        assertEquals("is 1 but the text holds 1 layout; expected 0..0", e.getMessage());
    }

    @Test
    void widthAndHeightSetTheCanvasAndZeroKeepsTheTexts() {
        Layout given = run(inputs(HICO, "hico").with("width", 1024L).with("height", 512L));
        assertEquals(1024, given.width().getAsInt());
        assertEquals(512, given.height().getAsInt());
        assertEquals(new Box(0.125, 0.125, 0.5, 0.875), given.instance(0).box(), "boxes are normalised: unchanged");

        List<InputProblem> half = node.validate(inputs(JSON, "json").with("height", 512L));
        assertEquals(1, half.size());
        assertEquals("width", half.get(0).input());
        assertTrue(half.get(0).message().contains("both 0"), half.get(0).message());
        assertEquals("width", assertThrows(NodeException.class,
                () -> run(inputs(JSON, "json").with("height", 512L))).inputName());
    }

    @Test
    void malformedTextFailsValidationNamingTheInputPositionAndInstance() {
        String reversed = """
                {"caption": "two things", "instances": [
                  {"phrase": "a", "box": [0, 0, 0.5, 0.5]},
                  {"phrase": "b", "box": [0.6, 0.5, 0.4, 0.9]}]}""";
        List<InputProblem> problems = node.validate(inputs(reversed, "json"));
        assertEquals(1, problems.size());
        InputProblem p = problems.get(0);
        assertEquals("text", p.input());
        assertEquals("invalid_input", p.type());
        assertTrue(p.message().startsWith("json layout, $.instances[1]"), p.message());
        assertTrue(p.message().contains("instance 1: ") && p.message().contains("x2 <= x1"), p.message());

        NodeException e = assertThrows(NodeException.class, () -> run(inputs(reversed, "json")));
        assertEquals("text", e.inputName());
        assertEquals(p.message(), e.getMessage(), "execution reports what validation would");

        InputProblem syntax = node.validate(inputs("{\"caption\": \"x\",\n \"instances\": [}", "json")).get(0);
        assertTrue(syntax.message().contains("line 2"), syntax.message());
        InputProblem wrongFormat = node.validate(inputs(JSON, "hico")).get(0);
        assertTrue(wrongFormat.message().startsWith("hico layout"), wrongFormat.message());
        assertEquals("text", node.validate(inputs("[]", "json")).get(0).input());
        assertEquals("text", node.validate(inputs("   ", "migc")).get(0).input());
    }

    @Test
    void linkedTextIsReadOnlyWhenItArrives() {
        assertTrue(node.validate(inputs(JSON, "json").without("text")).isEmpty());
        assertTrue(node.validate(inputs(CONTEXTGEN, "contextgen").without("index")).isEmpty(),
                "a linked index is checked at execution");
        assertTrue(node.validate(inputs(JSON, "json")).isEmpty());
    }
}
