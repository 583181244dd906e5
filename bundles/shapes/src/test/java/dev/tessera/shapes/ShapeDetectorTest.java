package dev.tessera.shapes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ShapeDetectorTest {

    private static final int BACKGROUND = 0xE8E4DC;
    private final ShapeDetector detector = new ShapeDetector();

    /** A shape drawn with Java2D (not the world's rasteriser), aliased, in [x, x+w) x [y, y+h) or so. */
    private static BufferedImage drawn(ShapeKind shape, PaletteColour colour, int x, int y, int w, int h) {
        BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
        g.setColor(new Color(BACKGROUND));
        g.fillRect(0, 0, 64, 64);
        g.setColor(new Color(colour.rgb()));
        switch (shape) {
            case SQUARE -> g.fillRect(x, y, w, h);
            case CIRCLE -> g.fillOval(x, y, w, h);
            case TRIANGLE -> g.fillPolygon(new int[] {x + w / 2, x + w, x}, new int[] {y, y + h, y + h}, 3);
            case STAR -> {
                Polygon star = new Polygon();
                for (int i = 0; i < 10; i++) {
                    double r = i % 2 == 0 ? 1 : 0.45;
                    double a = -Math.PI / 2 + i * Math.PI / 5;
                    star.addPoint((int) Math.round(x + w / 2.0 + r * Math.cos(a) * w / 1.902),
                            (int) Math.round(y + h * 0.5 / 0.95 + r * Math.sin(a) * h / 1.809));
                }
                g.fillPolygon(star);
            }
        }
        g.dispose();
        return image;
    }

    /** The tight box of the pixels that are not background, found by scanning. */
    private static PixelBox inkBox(BufferedImage image) {
        int x1 = 64, y1 = 64, x2 = -1, y2 = -1;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) != BACKGROUND) {
                    x1 = Math.min(x1, x);
                    y1 = Math.min(y1, y);
                    x2 = Math.max(x2, x + 1);
                    y2 = Math.max(y2, y + 1);
                }
            }
        }
        return new PixelBox(x1, y1, x2, y2);
    }

    @Test
    void handDrawnShapesOfEveryKindAndColour() {
        int[][] sizes = {{16, 16}, {24, 20}, {30, 30}, {18, 24}};
        for (ShapeKind shape : ShapeKind.values()) {
            for (PaletteColour colour : PaletteColour.values()) {
                for (int[] size : sizes) {
                    BufferedImage image = drawn(shape, colour, 9, 13, size[0], size[1]);
                    List<Detection> found = detector.detect(image);
                    String where = shape + " " + colour + " " + size[0] + "x" + size[1] + ": " + found;
                    assertEquals(1, found.size(), where);
                    Detection d = found.get(0);
                    assertEquals(colour, d.colour(), where);
                    assertEquals(shape, d.shape(), where);
                    assertEquals(inkBox(image), d.box(), where);
                }
            }
        }
    }

    @Test
    void aRectangleIsSolidAndFullAndAnLShapeIsNot() {
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) for (int x = 0; x < 8; x++) image.setRGB(x, y, BACKGROUND);
        image.setRGB(1, 1, PaletteColour.RED.rgb());
        image.setRGB(2, 1, PaletteColour.RED.rgb());
        image.setRGB(1, 2, PaletteColour.RED.rgb());
        Detection l = new ShapeDetector(90, 0).detect(image).get(0);
        // Hull of the three squares' outer corners: (1,1) (3,1) (3,2) (2,3) (1,3): 2 x 2 less a half square.
        assertEquals(3 / 3.5, l.solidity(), 1e-12);
        assertEquals(new PixelBox(1, 1, 3, 3), l.box());
        assertEquals(3, l.pixels());
    }

    @Test
    void specksAreDroppedAndComponentsKeptApart() {
        BufferedImage image = drawn(ShapeKind.SQUARE, PaletteColour.GREEN, 2, 2, 10, 10);
        // Fifteen green pixels: below 16, the minimum at 64 x 64.
        for (int i = 0; i < 15; i++) image.setRGB(40 + i % 5, 40 + i / 5, PaletteColour.GREEN.rgb());
        // A second green square two columns away from the first.
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(PaletteColour.GREEN.rgb()));
        g.fillRect(14, 2, 10, 10);
        g.dispose();
        List<Detection> found = detector.detect(image);
        assertEquals(2, found.size(), found.toString());
        assertEquals(new PixelBox(2, 2, 12, 12), found.get(0).box());
        assertEquals(new PixelBox(14, 2, 24, 12), found.get(1).box());
        assertEquals(16, detector.minPixels(64, 64));
    }

    @Test
    void aThinLineFitsNoShape() {
        BufferedImage image = drawn(ShapeKind.SQUARE, PaletteColour.BLUE, 0, 0, 1, 1);
        for (int i = 0; i < 30; i++) image.setRGB(10 + i, 10 + i, PaletteColour.BLUE.rgb());
        List<Detection> found = detector.detect(image);
        assertEquals(1, found.size(), found.toString());
        assertNull(found.get(0).shape());
        assertEquals(new PixelBox(10, 10, 40, 40), found.get(0).box());
    }

    @Test
    void backgroundsAndPaleOrMixedPixelsAreNotInk() {
        // Empty scenes of many backgrounds: nothing found.
        SceneGenerator generator = new SceneGenerator(SceneConfig.defaults());
        for (int i = 0; i < 100; i++) {
            Scene s = generator.scene(77, i);
            assertTrue(detector.detect(new Scene(64, 64, List.of(), s.background()).render()).isEmpty());
        }
        // Half red, half background: (226, 129, 125) is 137 from red and over 120 from every other colour.
        BufferedImage image = drawn(ShapeKind.SQUARE, PaletteColour.RED, 0, 0, 1, 1);
        int pale = mix(PaletteColour.RED.rgb(), BACKGROUND, 0.5);
        for (int y = 10; y < 30; y++) for (int x = 10; x < 30; x++) image.setRGB(x, y, pale);
        assertTrue(detector.detect(image).isEmpty());
    }

    /**
     * Blur (3 x 3 box) and colour drift (an offset per image and channel up to 20, noise up to 8 per pixel and
     * channel) on 200 generated scenes: at least 95% of instances are still found.
     */
    @Test
    void blurAndColourDriftAreTolerated() {
        SceneGenerator generator = new SceneGenerator(SceneConfig.defaults());
        SplittableRandom random = new SplittableRandom(5);
        ScoreTable table = new ScoreTable();
        for (int i = 0; i < 200; i++) {
            Scene s = generator.scene(99, i);
            BufferedImage image = jitter(blur(s.render()), random);
            table.add("blurred", MigScore.score(MigTarget.of(s.objects()), detector.detect(image)));
        }
        ScoreTable.Metrics m = table.overall("blurred");
        assertTrue(m.isr() >= 0.95, table.format());
    }

    static BufferedImage blur(BufferedImage in) {
        int w = in.getWidth(), h = in.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int[] sum = new int[3];
                int n = 0;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int xx = x + dx, yy = y + dy;
                        if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
                        int p = in.getRGB(xx, yy);
                        sum[0] += p >> 16 & 0xFF;
                        sum[1] += p >> 8 & 0xFF;
                        sum[2] += p & 0xFF;
                        n++;
                    }
                }
                out.setRGB(x, y, Math.round(sum[0] / (float) n) << 16 | Math.round(sum[1] / (float) n) << 8
                        | Math.round(sum[2] / (float) n));
            }
        }
        return out;
    }

    static BufferedImage jitter(BufferedImage in, SplittableRandom random) {
        int[] offset = {random.nextInt(-20, 21), random.nextInt(-20, 21), random.nextInt(-20, 21)};
        BufferedImage out = new BufferedImage(in.getWidth(), in.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < in.getHeight(); y++) {
            for (int x = 0; x < in.getWidth(); x++) {
                int p = in.getRGB(x, y);
                int q = 0;
                for (int c = 0; c < 3; c++) {
                    int v = (p >> (16 - 8 * c) & 0xFF) + offset[c] + random.nextInt(-8, 9);
                    q = q << 8 | Math.max(0, Math.min(255, v));
                }
                out.setRGB(x, y, q);
            }
        }
        return out;
    }

    private static int mix(int a, int b, double t) {
        int q = 0;
        for (int c = 16; c >= 0; c -= 8) {
            q = q << 8 | (int) Math.round((a >> c & 0xFF) * (1 - t) + (b >> c & 0xFF) * t);
        }
        return q;
    }
}
