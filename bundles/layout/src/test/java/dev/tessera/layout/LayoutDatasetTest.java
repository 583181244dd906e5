package dev.tessera.layout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayoutDatasetTest {

    @TempDir
    Path dir;

    private static BufferedImage image(int w, int h, int seed) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) image.setRGB(x, y, (x * 7 + y * 13 + seed) * 2654435 & 0xFFFFFF);
        }
        return image;
    }

    /** 64 x 48: a red circle in pixels [8,24) x [4,20), a blue square in [30,64) x [10,48). */
    private static Layout layout() {
        return Layout.builder("a red circle and a blue square")
                .add(Instance.of("a red circle", new Box(8 / 64.0, 4 / 48.0, 24 / 64.0, 20 / 48.0)).withLabel("circle"))
                .add(Instance.of("a blue square", new Box(30 / 64.0, 10 / 48.0, 1, 1)).withLabel("square"))
                .build();
    }

    @Test
    void writeThenOpenGivesTheSameImagesAndLayouts() throws IOException {
        LayoutDataset.write(dir, 0, image(64, 48, 1), layout());
        LayoutDataset.write(dir, 11, image(64, 48, 2), layout());
        LayoutDataset.write(dir, 2, image(64, 48, 3), layout());
        LayoutDataset dataset = LayoutDataset.open(dir);
        assertEquals(List.of("000000", "000002", "000011"),
                dataset.entries().stream().map(LayoutDataset.Entry::name).toList());
        LayoutDataset.Sample s = dataset.entry(2).read();
        assertEquals(dir.resolve("000011.png"), s.entry().imageFile());
        assertEquals(BufferedImage.TYPE_INT_RGB, s.image().getType());
        BufferedImage expected = image(64, 48, 2);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) assertEquals(expected.getRGB(x, y), s.image().getRGB(x, y), x + "," + y);
        }
        Layout l = s.layout();
        assertEquals("a red circle and a blue square", l.caption());
        assertEquals(OptionalInt.of(64), l.width());
        assertEquals(OptionalInt.of(48), l.height());
        assertEquals(CoordinateConvention.PIXEL, l.source().convention());
        assertEquals(layout().instances(), l.instances());
        assertEquals(Optional.of("square"), l.instance(1).label());
    }

    @Test
    void theFileHoldsPixelCoordinates() throws IOException {
        LayoutDataset.write(dir, 5, image(64, 48, 1), layout());
        String json = Files.readString(dir.resolve("000005.json"));
        assertTrue(json.contains("\"coordinates\": \"pixel\""), json);
        assertTrue(json.contains("\"width\": 64") && json.contains("\"height\": 48"), json);
        // 8/64*64 and 20/48*48 come back as the whole pixels written by hand above.
        assertTrue(json.replaceAll("\\s+", "").contains("\"box\":[8,4,24,20]"), json);
        assertTrue(json.replaceAll("\\s+", "").contains("\"box\":[30,10,64,48]"), json);
    }

    @Test
    void theIndexChoosesAndOrdersEntries() throws IOException {
        for (int i = 0; i < 3; i++) LayoutDataset.write(dir, i, image(64, 48, i), layout());
        LayoutDataset.writeIndex(dir, List.of("000002", "000000"));
        assertEquals(List.of("000002", "000000"),
                LayoutDataset.open(dir).entries().stream().map(LayoutDataset.Entry::name).toList());
    }

    @Test
    void anIndexedEntryWithoutItsImageNamesIt() throws IOException {
        LayoutDataset.write(dir, 0, image(64, 48, 0), layout());
        LayoutDataset.writeIndex(dir, List.of("000000", "000001"));
        InvalidDatasetException e = assertThrows(InvalidDatasetException.class, () -> LayoutDataset.open(dir));
        assertTrue(e.getMessage().contains("entry 000001 (000001.json): is missing"), e.getMessage());
    }

    @Test
    void aMissingPngIsNamed() throws IOException {
        LayoutDataset.write(dir, 0, image(64, 48, 0), layout());
        LayoutDataset.write(dir, 1, image(64, 48, 1), layout());
        Files.delete(dir.resolve("000001.png"));
        InvalidDatasetException e = assertThrows(InvalidDatasetException.class, () -> LayoutDataset.open(dir));
        assertEquals("dataset " + dir + ", entry 000001 (000001.png): is missing; expected the image of 000001.json",
                e.getMessage());
    }

    @Test
    void aPngWithoutLayoutIsNamed() throws IOException {
        LayoutDataset.write(dir, 0, image(64, 48, 0), layout());
        Files.delete(dir.resolve("000000.json"));
        InvalidDatasetException e = assertThrows(InvalidDatasetException.class, () -> LayoutDataset.open(dir));
        assertTrue(e.getMessage().contains("entry 000000 (000000.png): has no layout file"), e.getMessage());
    }

    @Test
    void brokenJsonIsNamedWithItsPosition() throws IOException {
        LayoutDataset.write(dir, 3, image(64, 48, 0), layout());
        Files.writeString(dir.resolve("000003.json"), "{\"caption\": \"a cat\", \"instances\": [");
        LayoutDataset.Entry entry = LayoutDataset.open(dir).entry(0);
        InvalidDatasetException e = assertThrows(InvalidDatasetException.class, entry::read);
        assertTrue(e.getMessage().startsWith("dataset " + dir + ", entry 000003 (000003.json): json layout, line 1"),
                e.getMessage());
        assertTrue(e.getCause() instanceof LayoutParseException);
    }

    @Test
    void anEmptyCaptionIsNamed() throws IOException {
        LayoutDataset.write(dir, 0, image(64, 48, 0), layout());
        Files.writeString(dir.resolve("000000.json"), """
                {"caption": "", "width": 64, "height": 48, "coordinates": "pixel",
                 "instances": [{"phrase": "a cat", "box": [0, 0, 10, 10]}]}""");
        InvalidDatasetException e = assertThrows(InvalidDatasetException.class,
                () -> LayoutDataset.open(dir).entry(0).read());
        assertEquals("dataset " + dir + ", entry 000000 (000000.json): has an empty caption; expected the image's"
                + " caption", e.getMessage());
    }

    @Test
    void aBoxOutsideTheImageIsNamedNotClipped() throws IOException {
        LayoutDataset.write(dir, 0, image(64, 48, 0), layout());
        Files.writeString(dir.resolve("000000.json"), """
                {"caption": "a cat and a dog", "width": 64, "height": 48, "coordinates": "pixel",
                 "instances": [{"phrase": "a cat", "box": [0, 0, 10, 10]},
                               {"phrase": "a dog", "box": [40, 20, 65, 48]}]}""");
        InvalidDatasetException e = assertThrows(InvalidDatasetException.class,
                () -> LayoutDataset.open(dir).entry(0).layout());
        assertEquals("dataset " + dir + ", entry 000000 (000000.json): json layout, $.instances[1].box: instance 1:"
                + " box (40, 20, 65, 48) reaches outside the 64x48 image; expected 0 <= x1 < x2 <= 64 and"
                + " 0 <= y1 < y2 <= 48", e.getMessage());
    }

    @Test
    void anImageOfAnotherSizeIsNamed() throws IOException {
        LayoutDataset.write(dir, 0, image(64, 48, 0), layout());
        javax.imageio.ImageIO.write(image(48, 48, 0), "png", dir.resolve("000000.png").toFile());
        InvalidDatasetException e = assertThrows(InvalidDatasetException.class,
                () -> LayoutDataset.open(dir).entry(0).read());
        assertEquals("dataset " + dir + ", entry 000000 (000000.png): is 48x48 but 000000.json says 64x48; expected"
                + " the same size", e.getMessage());
    }

    @Test
    void aFileThatIsNoImageIsNamed() throws IOException {
        LayoutDataset.write(dir, 0, image(64, 48, 0), layout());
        Files.writeString(dir.resolve("000000.png"), "not a png");
        InvalidDatasetException e = assertThrows(InvalidDatasetException.class,
                () -> LayoutDataset.open(dir).entry(0).image());
        assertTrue(e.getMessage().startsWith("dataset " + dir + ", entry 000000 (000000.png): is not an image"),
                e.getMessage());
    }

    @Test
    void writingRefusesWhatReadingWouldRefuse() {
        Layout noCaption = Layout.builder("").add("a cat", new Box(0, 0, 0.5, 0.5)).build();
        assertThrows(InvalidDatasetException.class, () -> LayoutDataset.write(dir, 0, image(64, 48, 0), noCaption));
        Layout otherSize = layout().toBuilder().size(32, 32).build();
        InvalidDatasetException e = assertThrows(InvalidDatasetException.class,
                () -> LayoutDataset.write(dir, 0, image(64, 48, 0), otherSize));
        assertTrue(e.getMessage().contains("the layout is for 32x32 but the image is 64x48"), e.getMessage());
        assertArrayEquals(new String[0], dir.toFile().list());
    }

    @Test
    void aMissingFolderIsNamed() {
        Path missing = dir.resolve("nope");
        InvalidDatasetException e = assertThrows(InvalidDatasetException.class, () -> LayoutDataset.open(missing));
        assertTrue(e.getMessage().startsWith("dataset " + missing + ": is not a folder"), e.getMessage());
    }
}
