package dev.tessera.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LayoutTextFormatTest {

    @Test
    void formatsAreChosenById() {
        assertEquals(LayoutTextFormat.CONTEXTGEN, LayoutTextFormat.fromId(" ContextGen "));
        assertThrows(IllegalArgumentException.class, () -> LayoutTextFormat.fromId("yaml"));
    }

    @Test
    void paperCoordinatesApplyToThePaperFormat() {
        Layout l = LayoutTextFormat.PAPER.readAll("<layout><scap>a</scap><bbox>(0, 0, 256, 512)</bbox></layout>",
                Coordinates.pixels(512, 512)).get(0);
        assertEquals(new Box(0, 0, 0.5, 1), l.instance(0).box());
        Layout j = LayoutTextFormat.JSON.readAll("{\"instances\": [{\"phrase\": \"a\", \"box\": [0, 0, 0.5, 1]}]}",
                Coordinates.pixels(512, 512)).get(0);
        assertEquals(new Box(0, 0, 0.5, 1), j.instance(0).box());
    }
}
