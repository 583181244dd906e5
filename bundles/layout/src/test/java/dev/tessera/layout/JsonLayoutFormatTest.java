package dev.tessera.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class JsonLayoutFormatTest {

    @Test
    void readsNormalisedLayoutWithFiles() {
        String json = """
                {"caption": "a cat and a dog", "layout_image": "layout.png",
                 "instances": [
                   {"phrase": "a cat", "box": [0.1, 0.2, 0.4, 0.8], "label": "cat", "mask": "cat_mask.png",
                    "reference": "cat.png"},
                   {"phrase": "a dog", "bbox": [0.5, 0.2, 0.9, 0.8]}]}""";
        Layout l = JsonLayoutFormat.read(json);
        assertEquals("a cat and a dog", l.caption());
        assertEquals(new LayoutSource("json", CoordinateConvention.NORMALIZED), l.source());
        assertEquals(new Box(0.1, 0.2, 0.4, 0.8), l.instance(0).box());
        assertEquals(Optional.of("cat"), l.instance(0).label());
        assertEquals(Optional.of(new ImageSource.File("cat_mask.png")), l.instance(0).mask());
        assertEquals(Optional.of(new ImageSource.File("cat.png")), l.instance(0).reference());
        assertEquals(Optional.of(new ImageSource.File("layout.png")), l.layoutImage());
        assertEquals(new Box(0.5, 0.2, 0.9, 0.8), l.instance(1).box());
    }

    @Test
    void readsPixelsAgainstTheGivenSize() {
        String json = """
                {"caption": "", "width": 1024, "height": 768, "coordinates": "pixel",
                 "instances": [{"phrase": "a car", "box": [256, 384, 768, 800]}]}""";
        Layout l = JsonLayoutFormat.read(json);
        assertEquals(CoordinateConvention.PIXEL, l.source().convention());
        assertEquals(OptionalInt.of(768), l.height());
        assertEquals(new Box(0.25, 0.5, 0.75, 1), l.instance(0).box());
    }

    @Test
    void pixelCoordinatesWithoutSizeAreAnError() {
        LayoutParseException e = assertThrows(LayoutParseException.class, () -> JsonLayoutFormat.read(
                "{\"coordinates\": \"pixel\", \"instances\": [{\"phrase\": \"a\", \"box\": [1, 2, 3, 4]}]}"));
        assertEquals("$.coordinates", e.position());
        assertTrue(e.getMessage().contains("no width and height"), e.getMessage());
    }

    @Test
    void writeThenReadGivesTheSameLayout() {
        Layout l = Layout.builder("two things").size(640, 480)
                .add(Instance.of("a lamp", new Box(0.1, 0.1, 0.3, 0.7)).withLabel("lamp"))
                .add(Instance.of("a sofa", new Box(1 / 3.0, 0.5, 0.95, 0.9)).withReference(new ImageSource.File("s.png")))
                .build();
        Layout back = JsonLayoutFormat.read(JsonLayoutFormat.write(l));
        assertEquals(l.caption(), back.caption());
        assertEquals(l.width(), back.width());
        assertEquals(l.instance(0), back.instance(0));
        assertEquals(l.instance(1).reference(), back.instance(1).reference());
        assertEquals(1 / 3.0, back.instance(1).box().x1(), 1e-10);
    }

    @Test
    void readAllTakesAnArray() {
        List<Layout> all = JsonLayoutFormat.readAll(
                "[{\"instances\": []}, {\"caption\": \"x\", \"instances\": [{\"phrase\": \"a\", \"box\": [0,0,1,1]}]}]");
        assertEquals(2, all.size());
        assertEquals(1, all.get(1).size());
        assertThrows(LayoutParseException.class, () -> JsonLayoutFormat.read("[]"));
    }

    @Test
    void malformedInstancesNameThePathAndIndex() {
        LayoutParseException shortBox = assertThrows(LayoutParseException.class, () -> JsonLayoutFormat.read(
                "{\"instances\": [{\"phrase\": \"a\", \"box\": [0,0,1,1]}, {\"phrase\": \"b\", \"box\": [0, 0, 1]}]}"));
        assertEquals("$.instances[1].box", shortBox.position());
        assertEquals(OptionalInt.of(1), shortBox.instanceIndex());

        LayoutParseException unknown = assertThrows(LayoutParseException.class, () -> JsonLayoutFormat.read(
                "{\"instances\": [{\"phrase\": \"a\", \"bx\": [0,0,1,1]}]}"));
        assertTrue(unknown.getMessage().contains("unknown key 'bx'"), unknown.getMessage());
        assertEquals("$.instances[0]", unknown.position());

        LayoutParseException nan = assertThrows(LayoutParseException.class, () -> JsonLayoutFormat.read(
                "{\"instances\": [{\"phrase\": \"a\", \"box\": [0, NaN, 1, 1]}]}"));
        assertTrue(nan.getMessage().contains("instance 0") && nan.getMessage().contains("NaN"), nan.getMessage());

        LayoutParseException degenerate = assertThrows(LayoutParseException.class, () -> JsonLayoutFormat.read(
                "{\"instances\": [{\"phrase\": \"a\", \"box\": [0.5, 0, 0.5, 1]}]}"));
        assertTrue(degenerate.getMessage().contains("zero width"), degenerate.getMessage());

        LayoutParseException noPhrase = assertThrows(LayoutParseException.class, () -> JsonLayoutFormat.read(
                "{\"instances\": [{\"box\": [0, 0, 1, 1]}]}"));
        assertTrue(noPhrase.getMessage().contains("no 'phrase'"), noPhrase.getMessage());

        LayoutParseException text = assertThrows(LayoutParseException.class, () -> JsonLayoutFormat.read(
                "{\"instances\": [{\"phrase\": \"a\", \"box\": [0, \"0\", 1, 1]}]}"));
        assertEquals("$.instances[0].box[1]", text.position());
    }

    @Test
    void invalidJsonReportsLineAndColumn() {
        LayoutParseException e = assertThrows(LayoutParseException.class,
                () -> JsonLayoutFormat.read("{\"instances\": [\n  {\"phrase\": \"a\" \"box\": [0,0,1,1]}]}"));
        assertTrue(e.position().startsWith("line 2, column"), e.position());
        assertTrue(e.getMessage().startsWith("json layout, line 2"), e.getMessage());
    }

    @Test
    void graphValuesHaveNoJsonForm() {
        Layout l = Layout.builder("x").add(Instance.of("a", Box.FULL)
                .withMask(new ImageSource.Value(dev.tessera.graph.api.ValueType.MASK, new Object()))).build();
        InvalidLayoutException e = assertThrows(InvalidLayoutException.class, () -> JsonLayoutFormat.write(l));
        assertTrue(e.getMessage().contains("instance 0: mask is a graph value"), e.getMessage());
    }

    @Test
    void writesPixelCoordinatesOfTheFrame() {
        Layout l = Layout.builder("a lamp").add(Instance.of("a lamp", new Box(0.25, 0.5, 0.75, 1)).withLabel("lamp"))
                .build();
        String json = JsonLayoutFormat.write(l, Coordinates.pixels(640, 480));
        String compact = json.replaceAll("\\s+", "");
        assertTrue(compact.contains("\"width\":640,\"height\":480,\"coordinates\":\"pixel\""), json);
        assertTrue(compact.contains("\"box\":[160,240,480,480]"), json);
        Layout back = JsonLayoutFormat.read(json);
        assertEquals(l.instances(), back.instances());
        assertEquals(OptionalInt.of(640), back.width());
    }

    @Test
    void pixelWritingRefusesAnotherSizeHint() {
        Layout l = Layout.builder("x").size(512, 512).add("a", Box.FULL).build();
        InvalidLayoutException e = assertThrows(InvalidLayoutException.class,
                () -> JsonLayoutFormat.write(l, Coordinates.pixels(640, 480)));
        assertTrue(e.getMessage().contains("size hint 512x512 differs from the pixel frame 640x480"), e.getMessage());
    }

    @Test
    void strictReadingRefusesWhatNormalReadingClips() {
        String json = "{\"caption\": \"c\", \"width\": 100, \"height\": 50, \"coordinates\": \"pixel\","
                + " \"instances\": [{\"phrase\": \"a\", \"box\": [-1, 0, 50, 50]}]}";
        assertEquals(new Box(0, 0, 0.5, 1), JsonLayoutFormat.read(json).instance(0).box());
        LayoutParseException e = assertThrows(LayoutParseException.class, () -> JsonLayoutFormat.read(json, false));
        assertEquals("$.instances[0].box", e.position());
        assertTrue(e.getMessage().contains("box (-1, 0, 50, 50) reaches outside the 100x50 image"), e.getMessage());
        // The edges themselves are inside.
        assertEquals(new Box(0.5, 0, 1, 1), JsonLayoutFormat.read(json.replace("[-1, 0, 50, 50]", "[50, 0, 100, 50]"),
                false).instance(0).box());
    }
}
