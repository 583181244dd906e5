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
import dev.tessera.layout.CoordinateConvention;
import dev.tessera.layout.Layout;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RunScope;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LayoutFromTokensNodeTest {

    private static final String NORMALIZED = "a red apple left of a blue cup <layout><scap>a red apple</scap>"
            + "<bbox>(0.05, 0.3, 0.45, 0.7)</bbox><scap>a blue cup</scap><bbox>(0.55, 0.3, 0.95, 0.7)</bbox></layout>";
    private static final String PIXELS = "<layout><scap>a cat</scap><bbox>[0, 0, 256, 128]</bbox>"
            + "<scap>a dog</scap><bbox>256 128 512 256</bbox></layout>";

    private final RunScope scope = new RunScope();
    private final LayoutFromTokensNode node = new LayoutFromTokensNode();

    @AfterEach
    void tearDown() throws Exception {
        scope.close();
    }

    private static MapInputs inputs(String text, String coordinates) {
        return new MapInputs().with("text", text).with("coordinates", coordinates).with("width", 512L)
                .with("height", 256L);
    }

    private Layout run(MapInputs in) {
        return (Layout) node.execute(in, new RecordingContext(scope)).value(0);
    }

    @Test
    void descriptorDeclaresTextCoordinatesAndCanvas() {
        NodeDescriptor d = node.descriptor();
        assertEquals("LayoutFromTokens", d.typeId());
        assertEquals(new Widget.StringWidget("", true), d.input("text").orElseThrow().widget());
        Widget.ComboWidget coordinates = (Widget.ComboWidget) d.input("coordinates").orElseThrow().widget();
        assertEquals(List.of("normalized", "pixels"), coordinates.currentOptions());
        assertEquals(new Widget.IntWidget(512, 64, 16384, 8), d.input("height").orElseThrow().widget());
        assertEquals(ValueType.LAYOUT, d.outputs().get(0).type());
    }

    @Test
    void normalisedTokens() {
        Layout l = run(inputs(NORMALIZED, "normalized"));
        assertEquals("a red apple left of a blue cup", l.caption());
        assertEquals(new Box(0.05, 0.3, 0.45, 0.7), l.instance(0).box());
        assertEquals("a blue cup", l.instance(1).phrase());
        assertEquals(512, l.width().getAsInt(), "the canvas becomes the size hint");
        assertEquals(256, l.height().getAsInt());
        assertEquals(CoordinateConvention.NORMALIZED, l.source().convention());
    }

    @Test
    void pixelTokensAreOfTheWidthByHeightCanvas() {
        Layout l = run(inputs(PIXELS, "pixels"));
        assertEquals(new Box(0, 0, 0.5, 0.5), l.instance(0).box());
        assertEquals(new Box(0.5, 0.5, 1, 1), l.instance(1).box());
        assertEquals(CoordinateConvention.PIXEL, l.source().convention());
        assertTrue(node.validate(inputs(PIXELS, "pixels")).isEmpty());
    }

    @Test
    void malformedTokensFailValidationWithPositionAndInstance() {
        String unclosed = "<layout><scap>a cat</scap><bbox>(0.1, 0.1, 0.4, 0.4)</bbox><scap>a dog<bbox>(0.5, 0.5, 0.9,"
                + " 0.9)</bbox></layout>";
        List<InputProblem> problems = node.validate(inputs(unclosed, "normalized"));
        assertEquals(1, problems.size());
        assertEquals("text", problems.get(0).input());
        String m = problems.get(0).message();
        assertTrue(m.startsWith("paper layout, line 1, column ") && m.contains("instance 1: "), m);
        assertTrue(m.contains("</scap>"), m);
        NodeException e = assertThrows(NodeException.class, () -> run(inputs(unclosed, "normalized")));
        assertEquals("text", e.inputName());
        assertEquals(m, e.getMessage());
    }

    @Test
    void pixelNumbersReadAsNormalisedGetAHint() {
        InputProblem p = node.validate(inputs(PIXELS.replace("[0, 0, 256, 128]", "[300, 200, 400, 300]"), "normalized"))
                .get(0);
        assertEquals("text", p.input());
        assertTrue(p.message().contains("instance 0: ") && p.message().contains("look like pixels"), p.message());
    }

    @Test
    void aLinkedFrameDefersPixelReadingToExecution() {
        String offFrame = "<layout><scap>a cat</scap><bbox>(600, 0, 700, 100)</bbox></layout>";
        assertTrue(node.validate(inputs(offFrame, "pixels").without("width")).isEmpty());
        assertEquals(1, node.validate(inputs(offFrame, "pixels")).size(), "outside the 512 x 256 frame");
        assertEquals(1, node.validate(inputs(offFrame, "normalized").without("width")).size(),
                "normalised numbers need no frame");
        assertEquals("text", node.validate(inputs("", "normalized")).get(0).input());
    }
}
