package dev.tessera.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ContextGenSegmentInfoTest {

    /** Two entries in the shape of nenhang/ContextGen images/input/segment_info.json. */
    private static final String SEGMENT_INFO = """
            [
              {
                "caption": "A lion is sitting on an armchair, in a living room.",
                "layout_image": "lion_armchair/lion_on_armchair.png",
                "width": 512,
                "instances": [
                  {"image": "lion_armchair/lion.png", "bbox": [143, 79, 350, 341], "label": "lion",
                   "phrase": "A lion sitting"},
                  {"image": "lion_armchair/armchair.png", "bbox": [117, 165, 387, 483], "label": "armchair",
                   "phrase": "A brown armchair"}
                ]
              },
              {
                "caption": "A crab is holding a leather handbag on sand.",
                "width": 768,
                "instances": [
                  {"label": "crab", "image": "crab_handbag/04_crab_masked.png", "bbox": [351, 121, 690, 509],
                   "phrase": "A crab"}
                ]
              }
            ]""";

    @Test
    void readsEntriesWithReferencesAndLayoutImage() {
        List<Layout> all = ContextGenSegmentInfo.readAll(SEGMENT_INFO);
        assertEquals(2, all.size());
        Layout lion = all.get(0);
        assertEquals(OptionalInt.of(512), lion.height());
        assertEquals(Optional.of(new ImageSource.File("lion_armchair/lion_on_armchair.png")), lion.layoutImage());
        assertEquals("A brown armchair", lion.instance(1).phrase());
        assertEquals(Optional.of("armchair"), lion.instance(1).label());
        assertEquals(Optional.of(new ImageSource.File("lion_armchair/armchair.png")), lion.instance(1).reference());
        assertEquals(new Box(117 / 512.0, 165 / 512.0, 387 / 512.0, 483 / 512.0), lion.instance(1).box());
        assertEquals(new LayoutSource("contextgen", CoordinateConvention.PIXEL), lion.source());
        assertEquals(new Box(351 / 768.0, 121 / 768.0, 690 / 768.0, 509 / 768.0), all.get(1).instance(0).box());
    }

    @Test
    void missingWidthIsAnError() {
        LayoutParseException e = assertThrows(LayoutParseException.class, () -> ContextGenSegmentInfo.read(
                "{\"caption\": \"x\", \"instances\": [{\"phrase\": \"a\", \"bbox\": [0, 0, 10, 10]}]}"));
        assertTrue(e.getMessage().contains("no 'width'"), e.getMessage());
    }

    @Test
    void instanceProblemsNameTheInstance() {
        LayoutParseException e = assertThrows(LayoutParseException.class, () -> ContextGenSegmentInfo.read(
                "[{\"caption\": \"x\", \"width\": 512, \"instances\": [{\"phrase\": \"a\", \"bbox\": [0, 0, 10, 10]},"
                        + " {\"label\": \"b\", \"bbox\": [0, 0, 10, 10]}]}]"));
        assertEquals(OptionalInt.of(1), e.instanceIndex());
        assertEquals("$[0].instances[1]", e.position());
        LayoutParseException off = assertThrows(LayoutParseException.class, () -> ContextGenSegmentInfo.read(
                "{\"caption\": \"x\", \"width\": 512, \"instances\": [{\"phrase\": \"a\", \"bbox\": [600, 0, 700, 10]}]}"));
        assertTrue(off.getMessage().contains("outside the 512x512 frame"), off.getMessage());
    }
}
