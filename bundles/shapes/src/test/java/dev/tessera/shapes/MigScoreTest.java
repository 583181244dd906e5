package dev.tessera.shapes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.layout.Box;
import dev.tessera.layout.Instance;
import dev.tessera.layout.InvalidLayoutException;
import dev.tessera.layout.Layout;
import java.util.List;
import org.junit.jupiter.api.Test;

class MigScoreTest {

    /** A red circle in [0,10) x [0,10): 100 pixels. */
    private static final MigTarget RED_CIRCLE = new MigTarget(PaletteColour.RED, ShapeKind.CIRCLE, new PixelBox(0, 0, 10, 10));

    private static Detection found(PaletteColour c, ShapeKind s, int x1, int y1, int x2, int y2) {
        return new Detection(c, s, x1, y1, x2, y2, (x2 - x1) * (y2 - y1) * 3 / 4, 1);
    }

    @Test
    void iouOfExactlyOneHalfSucceeds() {
        // [0,10) x [0,5): 50 shared pixels, union 100.
        MigScore.InstanceResult r = MigScore.score(RED_CIRCLE, List.of(found(PaletteColour.RED, ShapeKind.CIRCLE, 0, 0, 10, 5)));
        assertTrue(r.success());
        assertEquals(0.5, r.iou());
        // [0,10) x [0,4): 40 / 100.
        MigScore.InstanceResult below = MigScore.score(RED_CIRCLE,
                List.of(found(PaletteColour.RED, ShapeKind.CIRCLE, 0, 0, 10, 4)));
        assertFalse(below.success());
        assertEquals(0.4, below.iou());
        // [5,15) x [0,10): 50 shared, union 150: a third.
        MigScore.InstanceResult shifted = MigScore.score(RED_CIRCLE,
                List.of(found(PaletteColour.RED, ShapeKind.CIRCLE, 5, 0, 15, 10)));
        assertFalse(shifted.success());
        assertEquals(1 / 3.0, shifted.iou(), 1e-15);
    }

    @Test
    void aWrongColourFailsAndCountsZero() {
        MigScore.InstanceResult r = MigScore.score(RED_CIRCLE, List.of(found(PaletteColour.PURPLE, ShapeKind.CIRCLE, 0, 0, 10, 10)));
        assertFalse(r.success());
        assertEquals(0, r.iou());
    }

    @Test
    void aWrongShapeFailsButKeepsItsIou() {
        MigScore.InstanceResult r = MigScore.score(RED_CIRCLE, List.of(found(PaletteColour.RED, ShapeKind.SQUARE, 0, 0, 10, 10)));
        assertFalse(r.success());
        assertEquals(1.0, r.iou());
        assertFalse(MigScore.score(RED_CIRCLE, List.of(found(PaletteColour.RED, null, 0, 0, 10, 10))).success());
    }

    @Test
    void aMissingInstanceCountsZero() {
        MigScore.InstanceResult r = MigScore.score(RED_CIRCLE, List.of());
        assertFalse(r.success());
        assertEquals(0, r.iou());
    }

    @Test
    void theBestComponentOfTheColourCounts() {
        // A poor red square-ish component (IoU 0.25) and a good red circle (IoU 0.64 = 64 / 100).
        MigScore.InstanceResult r = MigScore.score(RED_CIRCLE, List.of(
                found(PaletteColour.RED, ShapeKind.SQUARE, 0, 0, 5, 5),
                found(PaletteColour.BLUE, ShapeKind.CIRCLE, 0, 0, 10, 10),
                found(PaletteColour.RED, ShapeKind.CIRCLE, 1, 1, 9, 9)));
        assertTrue(r.success());
        assertEquals(0.64, r.iou(), 1e-15);
    }

    @Test
    void anImageSucceedsWhenAllItsInstancesDo() {
        MigTarget blueStar = new MigTarget(PaletteColour.BLUE, ShapeKind.STAR, new PixelBox(20, 20, 40, 40));
        Detection circle = found(PaletteColour.RED, ShapeKind.CIRCLE, 0, 0, 10, 10);
        Detection star = found(PaletteColour.BLUE, ShapeKind.STAR, 20, 20, 40, 40);
        MigScore.ImageResult both = MigScore.score(List.of(RED_CIRCLE, blueStar), List.of(circle, star));
        assertTrue(both.success());
        assertEquals(2, both.level());
        MigScore.ImageResult one = MigScore.score(List.of(RED_CIRCLE, blueStar), List.of(star));
        assertFalse(one.success());
        assertEquals(1, one.successes());
    }

    @Test
    void targetsComeFromPhrasesAndLabels() {
        Layout layout = Layout.builder("two things").size(100, 50)
                .add(Instance.of("a Red circle", new Box(0.1, 0.2, 0.5, 0.8)))
                .add(Instance.of("a cyan thing", new Box(0.5, 0, 1, 1)).withLabel("star"))
                .build();
        List<MigTarget> t = MigTarget.of(layout, 100, 50);
        assertEquals(new MigTarget(PaletteColour.RED, ShapeKind.CIRCLE, new PixelBox(10, 10, 50, 40)), t.get(0));
        assertEquals(new MigTarget(PaletteColour.CYAN, ShapeKind.STAR, new PixelBox(50, 0, 100, 50)), t.get(1));
        // On an image of twice the size the boxes scale.
        assertEquals(new PixelBox(20, 20, 100, 80), MigTarget.of(layout, 200, 100).get(0).box());
    }

    @Test
    void phrasesWithoutColourOrShapeAreNamed() {
        Layout noColour = Layout.builder("x").add(Instance.of("a red circle", Box.FULL))
                .add(Instance.of("an orange circle", Box.FULL)).build();
        InvalidLayoutException e = assertThrows(InvalidLayoutException.class, () -> MigTarget.of(noColour, 64, 64));
        assertTrue(e.getMessage().startsWith("instance 1: phrase 'an orange circle' names no palette colour"),
                e.getMessage());
        Layout noShape = Layout.builder("x").add(Instance.of("a red blob", Box.FULL)).build();
        InvalidLayoutException s = assertThrows(InvalidLayoutException.class, () -> MigTarget.of(noShape, 64, 64));
        assertTrue(s.getMessage().startsWith("instance 0: neither the label nor the phrase 'a red blob' names a shape"),
                s.getMessage());
    }
}
