package dev.tessera.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class HiCoListFormatTest {

    /** Released MIGLoRA: the global caption is the first list_bbox_info entry, with the whole 512 frame. */
    private static final String MIGLORA_ENTRY = "[{\"id\": 7}, \"a man and a dog on a beach\", 3, {\"W\": 512, \"H\": 512},"
            + " \"img/7.jpg\", [[\"a man and a dog on a beach\", [0, 0, 512, 512]], [\"a man\", [40, 60, 240, 500]],"
            + " [\"a dog\", [300, 280, 500, 480]]], [0, 0]]";

    @Test
    void releasedMigloraEntrySkipsTheGlobalEntry() {
        Layout l = HiCoListFormat.read("[" + MIGLORA_ENTRY + "]");
        assertEquals("a man and a dog on a beach", l.caption());
        assertEquals(2, l.size());
        assertEquals(new Box(40 / 512.0, 60 / 512.0, 240 / 512.0, 500 / 512.0), l.instance(0).box());
        assertEquals(new LayoutSource("hico", CoordinateConvention.PIXEL), l.source());
        assertEquals(OptionalInt.of(512), l.width());
    }

    @Test
    void hicoEntryWithoutGlobalEntryAndSixFields() {
        String entry = "[{\"id\": 1}, \"two apples\", 2, {\"width\": 640, \"height\": 480}, null,"
                + " [[\"an apple\", [0, 0, 320, 480]], [\"an apple\", [320, 0, 640, 480]]]]";
        Layout l = HiCoListFormat.read(entry);
        assertEquals(2, l.size());
        assertEquals(new Box(0.5, 0, 1, 1), l.instance(1).box());
    }

    @Test
    void readAllReadsEveryEntry() {
        String second = "[{\"id\": 8}, \"a cat\", 1, [256, 256], \"x.jpg\", [[\"a cat\", [0, 0, 128, 300]]]]";
        List<Layout> all = HiCoListFormat.readAll("[" + MIGLORA_ENTRY + ", " + second + "]");
        assertEquals(2, all.size());
        // Clipped to the 256 frame.
        assertEquals(new Box(0, 0, 0.5, 1), all.get(1).instance(0).box());
    }

    @Test
    void objNumsMustCountTheInstances() {
        String entry = "[{\"id\": 1}, \"g\", 5, {\"W\": 512, \"H\": 512}, \"\", [[\"a\", [0, 0, 10, 10]]]]";
        LayoutParseException e = assertThrows(LayoutParseException.class, () -> HiCoListFormat.read(entry));
        assertEquals("$[2]", e.position());
        assertTrue(e.getMessage().contains("obj_nums is 5"), e.getMessage());
    }

    @Test
    void missingFrameSizeIsAnError() {
        String entry = "[{\"id\": 1}, \"g\", 1, null, \"\", [[\"a\", [0, 0, 10, 10]]]]";
        LayoutParseException e = assertThrows(LayoutParseException.class, () -> HiCoListFormat.read(entry));
        assertTrue(e.getMessage().contains("img_size is null"), e.getMessage());
    }

    @Test
    void badItemNamesInstanceAndPath() {
        String entry = "[{\"id\": 1}, \"g\", 2, {\"W\": 512, \"H\": 512}, \"\","
                + " [[\"a\", [0, 0, 10, 10]], [\"b\", [10, 10, 5, 50]]]]";
        LayoutParseException e = assertThrows(LayoutParseException.class, () -> HiCoListFormat.read(entry));
        assertEquals(OptionalInt.of(1), e.instanceIndex());
        assertEquals("$[5][1][1]", e.position());
        LayoutParseException fields = assertThrows(LayoutParseException.class,
                () -> HiCoListFormat.read("[{\"id\": 1}, \"g\", 1]"));
        assertTrue(fields.getMessage().contains("expected at least six"), fields.getMessage());
    }
}
