package dev.tessera.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class MigcListFormatTest {

    @Test
    void readsMigcsOwnNestedListsWithPythonQuotes() {
        // The shape of limuloo/MIGC inference_single_image.py: prompt_final = [[global, p1, ...]],
        // bboxes = [[[x1, y1, x2, y2], ...]].
        String text = "{'prompt_final': [['masterpiece, best quality, black colored ball, gray colored cat',"
                + " 'black colored ball', 'gray colored cat']],"
                + " 'bboxes': [[[0.3125, 0.609375, 0.625, 0.875], [0.5625, 0.171875, 0.984375, 0.6875]]]}";
        Layout l = MigcListFormat.read(text);
        assertEquals("masterpiece, best quality, black colored ball, gray colored cat", l.caption());
        assertEquals(2, l.size());
        assertEquals("gray colored cat", l.instance(1).phrase());
        assertEquals(new Box(0.5625, 0.171875, 0.984375, 0.6875), l.instance(1).box());
        assertEquals(new LayoutSource("migc", CoordinateConvention.NORMALIZED), l.source());
    }

    @Test
    void readsThePlainTwoListForm() {
        Layout l = MigcListFormat.read("[[\"a photo of a cat and a dog\", \"a cat\", \"a dog\"],"
                + " [[0.0, 0.1, 0.5, 0.9], [0.5, 0.1, 1.0, 0.9]]]");
        assertEquals(2, l.size());
        assertEquals("a dog", l.instance(1).phrase());
    }

    @Test
    void phraseAndBoxCountsMustAgree() {
        LayoutParseException e = assertThrows(LayoutParseException.class, () -> MigcListFormat.read(
                "{\"prompt\": [\"g\", \"a\", \"b\"], \"bboxes\": [[0, 0, 1, 1]]}"));
        assertEquals("$.bboxes", e.position());
        assertTrue(e.getMessage().contains("1 box(es) for 2 phrase(s)"), e.getMessage());
    }

    @Test
    void batchesOfSeveralAreRefused() {
        LayoutParseException e = assertThrows(LayoutParseException.class, () -> MigcListFormat.read(
                "{\"prompt\": [[\"g\", \"a\"], [\"h\", \"b\"]], \"bboxes\": [[[0, 0, 1, 1]], [[0, 0, 1, 1]]]}"));
        assertTrue(e.getMessage().contains("batch of 2"), e.getMessage());
    }

    @Test
    void badBoxNamesTheInstance() {
        LayoutParseException e = assertThrows(LayoutParseException.class, () -> MigcListFormat.read(
                "[[\"g\", \"a\", \"b\"], [[0, 0, 1, 1], [0.7, 0.2, 0.3, 0.9]]]"));
        assertEquals(OptionalInt.of(1), e.instanceIndex());
        assertEquals("$[1][1]", e.position());
    }
}
