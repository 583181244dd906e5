package dev.tessera.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class PaperFormatTest {

    private static final String CANONICAL = "a red apple left of a blue cup <layout><scap>a red apple</scap>"
            + "<bbox>(0.05, 0.3, 0.45, 0.7)</bbox><scap>a blue cup</scap><bbox>(0.55, 0.3125, 0.95, 0.6875)</bbox>"
            + "</layout>";

    @Test
    void readsCaptionPhrasesAndNormalisedBoxes() {
        Layout l = PaperFormat.read(CANONICAL, Coordinates.normalized());
        assertEquals("a red apple left of a blue cup", l.caption());
        assertEquals(2, l.size());
        assertEquals("a blue cup", l.instance(1).phrase());
        assertEquals(new Box(0.55, 0.3125, 0.95, 0.6875), l.instance(1).box());
        assertEquals(new LayoutSource("paper", CoordinateConvention.NORMALIZED), l.source());
        assertTrue(l.width().isEmpty());
    }

    @Test
    void roundTripReproducesTheText() {
        assertEquals(CANONICAL, PaperFormat.write(PaperFormat.read(CANONICAL, Coordinates.normalized())));
    }

    @Test
    void toleratesSpacingCaseBracketsAndSeparators() {
        String loose = "  <LAYOUT>\n  < scap > a red apple </scap>\n <bbox> [ 0.05 0.3  0.45 ,0.7 ] </ bbox >\n"
                + "<scap>a blue cup</scap><bbox>0.55,0.3125,0.95,0.6875</bbox>\n</layout>\n";
        Layout l = PaperFormat.read(loose, Coordinates.normalized());
        Layout canonical = PaperFormat.read(CANONICAL, Coordinates.normalized());
        assertEquals("", l.caption());
        assertEquals(canonical.instances(), l.instances());
    }

    @Test
    void pixelCoordinatesAreReadAgainstTheFrameGiven() {
        String px = "<layout><scap>a dog</scap><bbox>(128, 96, 384, 480)</bbox></layout>";
        Layout l = PaperFormat.read(px, Coordinates.pixels(512, 512));
        assertEquals(new Box(0.25, 0.1875, 0.75, 0.9375), l.instance(0).box());
        assertEquals(CoordinateConvention.PIXEL, l.source().convention());
        assertEquals(OptionalInt.of(512), l.width());
        assertEquals(px, PaperFormat.write(l, Coordinates.pixels(512, 512)));
    }

    @Test
    void pixelNumbersReadAsNormalisedFailWithAHint() {
        String px = "<layout><scap>a dog</scap><bbox>(128, 96, 384, 480)</bbox></layout>";
        LayoutParseException e = assertThrows(LayoutParseException.class,
                () -> PaperFormat.read(px, Coordinates.normalized()));
        assertEquals(OptionalInt.of(0), e.instanceIndex());
        assertTrue(e.getMessage().contains("look like pixels"), e.getMessage());
        assertThrows(InvalidLayoutException.class, () -> Coordinates.pixels(0, 512));
    }

    @Test
    void boxesOverTheEdgeAreClipped() {
        Layout l = PaperFormat.read("<layout><scap>sky</scap><bbox>(-0.1, -0.05, 1.2, 0.4)</bbox></layout>",
                Coordinates.normalized());
        assertEquals(new Box(0, 0, 1, 0.4), l.instance(0).box());
    }

    @Test
    void phrasesWithAngleBracketsSurviveTheRoundTrip() {
        Layout l = Layout.builder("cats & dogs <3").add("a sign saying <stop>", new Box(0, 0, 0.5, 0.5)).build();
        String text = PaperFormat.write(l);
        assertTrue(text.startsWith("cats &amp; dogs &lt;3 <layout><scap>a sign saying &lt;stop&gt;</scap>"), text);
        Layout back = PaperFormat.read(text, Coordinates.normalized());
        assertEquals(l.caption(), back.caption());
        assertEquals(l.instances(), back.instances());
    }

    @Test
    void sixtyInstancesRoundTrip() {
        Layout.Builder b = Layout.builder("a crowd");
        for (int i = 0; i < 60; i++) {
            double x = (i % 10) / 10.0, y = (i / 10) / 6.0;
            b.add("person " + i, Box.clipped(i, x, y, x + 0.1, y + 1 / 6.0));
        }
        Layout l = b.build();
        Layout back = PaperFormat.read(PaperFormat.write(l), Coordinates.normalized());
        assertEquals(60, back.size());
        for (int i = 0; i < 60; i++) {
            assertEquals(l.instance(i).phrase(), back.instance(i).phrase());
            Box a = l.instance(i).box(), c = back.instance(i).box();
            assertEquals(a.x1(), c.x1(), 1e-10);
            assertEquals(a.y2(), c.y2(), 1e-10);
        }
        assertEquals(PaperFormat.write(l), PaperFormat.write(back));
    }

    @Test
    void missingLayoutElement() {
        LayoutParseException e = assertThrows(LayoutParseException.class,
                () -> PaperFormat.read("<scap>a</scap><bbox>(0,0,1,1)</bbox>", Coordinates.normalized()));
        assertEquals("paper", e.format());
        assertTrue(e.getMessage().contains("no <layout>"), e.getMessage());
    }

    @Test
    void unclosedLayout() {
        LayoutParseException e = assertThrows(LayoutParseException.class,
                () -> PaperFormat.read("<layout><scap>a</scap><bbox>(0,0,1,1)</bbox>", Coordinates.normalized()));
        assertTrue(e.getMessage().contains("expected </layout>"), e.getMessage());
    }

    @Test
    void missingBboxNamesTheInstanceAndPosition() {
        String text = "<layout><scap>a</scap><bbox>(0,0,1,1)</bbox>\n<scap>b</scap><scap>c</scap></layout>";
        LayoutParseException e = assertThrows(LayoutParseException.class,
                () -> PaperFormat.read(text, Coordinates.normalized()));
        assertEquals(OptionalInt.of(1), e.instanceIndex());
        assertEquals("line 2, column 15", e.position());
        assertTrue(e.getMessage().contains("expected <bbox> after </scap>"), e.getMessage());
    }

    @Test
    void wrongNumberCountNamesTheInstance() {
        String text = "<layout><scap>a</scap><bbox>(0,0,1,1)</bbox><scap>b</scap><bbox>(0.1, 0.2, 0.3)</bbox></layout>";
        LayoutParseException e = assertThrows(LayoutParseException.class,
                () -> PaperFormat.read(text, Coordinates.normalized()));
        assertEquals(OptionalInt.of(1), e.instanceIndex());
        assertTrue(e.getMessage().contains("3 number(s) in <bbox>; expected four"), e.getMessage());
    }

    @Test
    void nanAndDegenerateBoxesNameTheInstance() {
        LayoutParseException nan = assertThrows(LayoutParseException.class, () -> PaperFormat.read(
                "<layout><scap>a</scap><bbox>(0.1, NaN, 0.5, 0.5)</bbox></layout>", Coordinates.normalized()));
        assertTrue(nan.getMessage().contains("instance 0: box") && nan.getMessage().contains("y1 = NaN"),
                nan.getMessage());
        LayoutParseException reversed = assertThrows(LayoutParseException.class, () -> PaperFormat.read(
                "<layout><scap>a</scap><bbox>(0,0,1,1)</bbox><scap>b</scap><bbox>(0.6, 0.1, 0.2, 0.5)</bbox></layout>",
                Coordinates.normalized()));
        assertEquals(OptionalInt.of(1), reversed.instanceIndex());
        assertTrue(reversed.getMessage().contains("reversed"), reversed.getMessage());
    }

    @Test
    void strayTextAndSecondLayoutAreErrors() {
        assertThrows(LayoutParseException.class, () -> PaperFormat.read(
                "<layout><scap>a</scap><bbox>(0,0,1,1)</bbox></layout> trailing", Coordinates.normalized()));
        LayoutParseException e = assertThrows(LayoutParseException.class, () -> PaperFormat.read(
                "<layout><layout></layout>", Coordinates.normalized()));
        assertTrue(e.getMessage().contains("a second <layout>"), e.getMessage());
        LayoutParseException empty = assertThrows(LayoutParseException.class, () -> PaperFormat.read(
                "<layout><scap> </scap><bbox>(0,0,1,1)</bbox></layout>", Coordinates.normalized()));
        assertTrue(empty.getMessage().contains("sub-caption is empty"), empty.getMessage());
        LayoutParseException junk = assertThrows(LayoutParseException.class, () -> PaperFormat.read(
                "<layout><scap>a</scap><bbox>(0, zero, 1, 1)</bbox></layout>", Coordinates.normalized()));
        assertTrue(junk.getMessage().contains("expected a number"), junk.getMessage());
    }
}
