package dev.tessera.shapes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.layout.Box;
import dev.tessera.layout.Layout;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContactSheetTest {

    @Test
    void imagesInAGridWithBoxesOutlinedOutside() {
        Scene a = new Scene(64, 64, List.of(new SceneObject(ShapeKind.SQUARE, PaletteColour.BLUE, 10, 20, 30, 40)),
                Background.plain());
        Layout other = Layout.builder("a thing").add("a thing", new Box(0.5, 0.5, 0.75, 0.75)).build();
        List<BufferedImage> images = List.of(a.render(), a.render(), a.render());
        BufferedImage sheet = ContactSheet.render(images, List.of(a.layout(), a.layout(), other), 2, 2);
        // Cells of 128 x 128 two pixels apart: 2 columns, 2 rows.
        assertEquals(2 + 128 + 2 + 128 + 2, sheet.getWidth());
        assertEquals(2 + 128 + 2 + 128 + 2, sheet.getHeight());
        // First cell at (2, 2): the square's scaled box [20,60) x [40,80); frames 1 pixel wide, 1 pixel outside
        // the box: the blue frame is column 18 and row 38, the image shows in the gap and beyond.
        assertEquals(PaletteColour.BLUE.rgb(), sheet.getRGB(2 + 18, 2 + 50) & 0xFFFFFF);
        assertEquals(PaletteColour.BLUE.rgb(), sheet.getRGB(2 + 40, 2 + 38) & 0xFFFFFF);
        assertEquals(PaletteColour.BLUE.rgb(), sheet.getRGB(2 + 61, 2 + 81) & 0xFFFFFF);
        assertEquals(Background.PLAIN_RGB, sheet.getRGB(2 + 19, 2 + 50) & 0xFFFFFF);
        assertEquals(Background.PLAIN_RGB, sheet.getRGB(2 + 17, 2 + 50) & 0xFFFFFF);
        // Inside: the square itself, scaled.
        assertEquals(PaletteColour.BLUE.rgb(), sheet.getRGB(2 + 21, 2 + 41) & 0xFFFFFF);
        // Third image (second row), a box with no palette colour, [64,96) scaled: the neutral frame at column 62.
        int oy = 2 + 128 + 2;
        assertEquals(ContactSheet.NEUTRAL, sheet.getRGB(2 + 62, oy + 70) & 0xFFFFFF);
        // The empty fourth cell and the gaps are the sheet's background.
        assertEquals(ContactSheet.BACKGROUND, sheet.getRGB(2 + 128 + 2 + 60, oy + 60) & 0xFFFFFF);
        assertEquals(ContactSheet.BACKGROUND, sheet.getRGB(0, 0) & 0xFFFFFF);
    }

    @Test
    void oneLayoutPerImage() {
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        assertThrows(IllegalArgumentException.class, () -> ContactSheet.render(List.of(image, image),
                List.of(Layout.builder("x").build()), 2));
        assertEquals(2 + 8 + 2, ContactSheet.render(List.of(image), null, 4).getWidth());
    }
}
