package dev.tessera.shapes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.layout.Box;
import dev.tessera.layout.Layout;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class SceneTest {

    private static final SceneObject RED_CIRCLE = new SceneObject(ShapeKind.CIRCLE, PaletteColour.RED, 2, 3, 20, 19);
    private static final SceneObject BLUE_SQUARE = new SceneObject(ShapeKind.SQUARE, PaletteColour.BLUE, 30, 4, 50, 22);
    private static final SceneObject YELLOW_TRIANGLE =
            new SceneObject(ShapeKind.TRIANGLE, PaletteColour.YELLOW, 10, 30, 34, 54);

    @Test
    void captionsListThePhrases() {
        assertEquals("a red circle", scene(RED_CIRCLE).caption());
        assertEquals("a red circle and a blue square", scene(RED_CIRCLE, BLUE_SQUARE).caption());
        assertEquals("a red circle, a blue square and a yellow triangle",
                scene(RED_CIRCLE, BLUE_SQUARE, YELLOW_TRIANGLE).caption());
        assertEquals("a purple star", new SceneObject(ShapeKind.STAR, PaletteColour.PURPLE, 0, 0, 9, 9).phrase());
        assertEquals("a cyan square", new SceneObject(ShapeKind.SQUARE, PaletteColour.CYAN, 0, 0, 9, 9).phrase());
        assertEquals("a green triangle",
                new SceneObject(ShapeKind.TRIANGLE, PaletteColour.GREEN, 0, 0, 9, 9).phrase());
    }

    @Test
    void theLayoutHoldsPhrasesLabelsAndPixelBoxes() {
        Layout l = scene(RED_CIRCLE, BLUE_SQUARE).layout();
        assertEquals("a red circle and a blue square", l.caption());
        assertEquals(OptionalInt.of(64), l.width());
        assertEquals(OptionalInt.of(64), l.height());
        assertEquals(2, l.size());
        assertEquals("a red circle", l.instance(0).phrase());
        assertEquals(Optional.of("circle"), l.instance(0).label());
        assertEquals(new Box(2 / 64.0, 3 / 64.0, 20 / 64.0, 19 / 64.0), l.instance(0).box());
        assertEquals(Optional.of("square"), l.instance(1).label());
        assertEquals(new Box(30 / 64.0, 4 / 64.0, 50 / 64.0, 22 / 64.0), l.instance(1).box());
    }

    @Test
    void laterObjectsAreDrawnOnTopInExactColours() {
        SceneObject under = new SceneObject(ShapeKind.SQUARE, PaletteColour.GREEN, 0, 0, 20, 20);
        SceneObject over = new SceneObject(ShapeKind.SQUARE, PaletteColour.CYAN, 10, 10, 30, 30);
        BufferedImage image = scene(under, over).render();
        assertEquals(BufferedImage.TYPE_INT_RGB, image.getType());
        assertEquals(0x1EAA32, image.getRGB(5, 5) & 0xFFFFFF);
        assertEquals(0x14C8DC, image.getRGB(15, 15) & 0xFFFFFF);
        assertEquals(0x14C8DC, image.getRGB(29, 29) & 0xFFFFFF);
        assertEquals(Background.PLAIN_RGB, image.getRGB(30, 30) & 0xFFFFFF);
        assertEquals(Background.PLAIN_RGB, image.getRGB(25, 5) & 0xFFFFFF);
    }

    @Test
    void eachObjectsBoxIsTheTightBoxOfItsPixels() {
        for (SceneObject o : List.of(RED_CIRCLE, BLUE_SQUARE, YELLOW_TRIANGLE,
                new SceneObject(ShapeKind.STAR, PaletteColour.PURPLE, 40, 33, 63, 55))) {
            BufferedImage image = scene(o).render();
            int x1 = 64, y1 = 64, x2 = -1, y2 = -1;
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    if ((image.getRGB(x, y) & 0xFFFFFF) == o.colour().rgb()) {
                        x1 = Math.min(x1, x);
                        y1 = Math.min(y1, y);
                        x2 = Math.max(x2, x + 1);
                        y2 = Math.max(y2, y + 1);
                    }
                }
            }
            assertEquals(o.box(), new PixelBox(x1, y1, x2, y2), o.toString());
        }
    }

    @Test
    void objectsOutsideTheCanvasAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Scene(64, 64,
                List.of(RED_CIRCLE, new SceneObject(ShapeKind.STAR, PaletteColour.RED, 50, 50, 65, 60)),
                Background.plain()));
        assertTrue(e.getMessage().startsWith("object 1 box [50, 50, 65, 60) reaches outside the 64x64 scene"),
                e.getMessage());
    }

    private static Scene scene(SceneObject... objects) {
        return new Scene(64, 64, List.of(objects), Background.plain());
    }
}
