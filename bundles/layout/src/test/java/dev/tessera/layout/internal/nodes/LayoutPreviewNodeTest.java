package dev.tessera.layout.internal.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.ValueType;
import dev.tessera.image.ImageBatch;
import dev.tessera.layout.Box;
import dev.tessera.layout.Layout;
import dev.tessera.layout.internal.LayoutPainter;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.CpuRuntime;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RunScope;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LayoutPreviewNodeTest {

    private static final int BACKGROUND = 0x202020;
    private static final int RED = 0xE6194B;   // instance 0
    private static final int GREEN = 0x3CB44B; // instance 1

    /** On 256 x 256: instance 0 covers pixels x 16..112, y 64..192; instance 1 x 144..240, same rows. */
    private static final Layout TWO = Layout.builder("").size(256, 256)
            .add("a red apple", new Box(16 / 256.0, 64 / 256.0, 112 / 256.0, 192 / 256.0))
            .add("a blue cup", new Box(144 / 256.0, 64 / 256.0, 240 / 256.0, 192 / 256.0))
            .build();

    private final CpuRuntime runtime = new CpuRuntime();
    private final RunScope scope = new RunScope();
    private final LayoutPreviewNode node = new LayoutPreviewNode(runtime);

    @AfterEach
    void tearDown() throws Exception {
        scope.close();
        runtime.close();
    }

    /** The preview as 8-bit RGB per pixel, read back from the IMAGE tensor. */
    private record Picture(int width, int height, int[] rgb) {
        int at(int x, int y) {
            return rgb[y * width + x];
        }
    }

    private Picture preview(Layout layout, long width, long height) {
        try (ImageBatch image = (ImageBatch) node.execute(new MapInputs().with("layout", layout).with("width", width)
                .with("height", height), new RecordingContext(scope)).value(0)) {
            float[] v = image.pixels().toFloatArray();
            int[] rgb = new int[v.length / 3];
            for (int p = 0; p < rgb.length; p++) {
                rgb[p] = Math.round(v[3 * p] * 255) << 16 | Math.round(v[3 * p + 1] * 255) << 8
                        | Math.round(v[3 * p + 2] * 255);
            }
            return new Picture(image.width(), image.height(), rgb);
        }
    }

    private static void assertNear(int expected, int actual, int tolerance, String what) {
        for (int shift = 0; shift <= 16; shift += 8) {
            int e = expected >> shift & 0xFF;
            int a = actual >> shift & 0xFF;
            assertTrue(Math.abs(e - a) <= tolerance, what + ": expected #" + Integer.toHexString(expected) + " got #"
                    + Integer.toHexString(actual));
        }
    }

    /** Channel-wise {@code alpha * over + (1 - alpha) * under}, computed here by hand. */
    private static int blend(int over, int under, double alpha) {
        int out = 0;
        for (int shift = 0; shift <= 16; shift += 8) {
            out |= (int) Math.round(alpha * (over >> shift & 0xFF) + (1 - alpha) * (under >> shift & 0xFF)) << shift;
        }
        return out;
    }

    private static boolean whitish(int rgb) {
        return (rgb >> 16 & 0xFF) > 200 && (rgb >> 8 & 0xFF) > 200 && (rgb & 0xFF) > 200;
    }

    private static int countWhitish(Picture p, int x0, int y0, int x1, int y1) {
        int n = 0;
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) n += whitish(p.at(x, y)) ? 1 : 0;
        }
        return n;
    }

    @Test
    void descriptorReturnsAnImageAndIsNotAnOutputNode() {
        NodeDescriptor d = node.descriptor();
        assertEquals("LayoutPreview", d.typeId());
        assertFalse(d.outputNode(), "chain PreviewImage or SaveImage to see it");
        assertEquals(ValueType.IMAGE, d.outputs().get(0).type());
        assertEquals(ValueType.LAYOUT, d.input("layout").orElseThrow().type());
        assertEquals(0L, d.input("width").orElseThrow().widget().defaultLiteral());
    }

    @Test
    void boxesAreOutlinedAndTintedInTheirColoursOnTheBackground() {
        Picture p = preview(TWO, 256, 256);
        assertEquals(BACKGROUND, p.at(128, 10), "between and above the boxes");
        assertEquals(BACKGROUND, p.at(0, 255));
        assertEquals(BACKGROUND, p.at(15, 128), "just left of box 0");
        assertEquals(BACKGROUND, p.at(64, 192), "just below box 0");
        assertEquals(RED, p.at(16, 128), "box 0's left outline");
        assertEquals(RED, p.at(111, 150), "box 0's right outline");
        assertEquals(RED, p.at(64, 191), "box 0's bottom outline");
        assertEquals(GREEN, p.at(144, 128), "box 1's left outline");
        assertNear(blend(RED, BACKGROUND, 0.25), p.at(64, 150), 1, "box 0's interior");
        assertNear(blend(GREEN, BACKGROUND, 0.25), p.at(200, 150), 1, "box 1's interior");
    }

    @Test
    void eachBoxIsTaggedWithItsPhraseAtTheTop() {
        Picture p = preview(TWO, 256, 256);
        // White text on the red tag in the first rows of box 0; none lower down or outside the boxes.
        assertTrue(countWhitish(p, 18, 64, 110, 80) > 20, "tag text in box 0");
        assertTrue(countWhitish(p, 146, 64, 238, 80) > 20, "tag text in box 1");
        assertEquals(0, countWhitish(p, 18, 100, 110, 190));
        assertEquals(0, countWhitish(p, 0, 0, 256, 64));
    }

    @Test
    void captionIsWrittenOnADarkenedBandAtTheBottom() {
        Layout captioned = Layout.builder("an apple and a cup").size(256, 256).addAll(TWO.instances()).build();
        Picture p = preview(captioned, 256, 256);
        assertNear(blend(0x000000, BACKGROUND, 0.65), p.at(255, 255), 1, "band over the background");
        assertTrue(countWhitish(p, 0, 230, 256, 256) > 20, "caption text");
        assertEquals(BACKGROUND, p.at(255, 200), "above the band");
        Picture without = preview(TWO, 256, 256);
        assertEquals(BACKGROUND, without.at(255, 255));
        assertEquals(0, countWhitish(without, 0, 230, 256, 256));
    }

    @Test
    void sizeComesFromTheInputsElseTheLayoutElse512() {
        Picture given = preview(TWO, 320, 192);
        assertEquals(320, given.width());
        assertEquals(192, given.height());
        Picture hinted = preview(TWO.toBuilder().size(384, 128).build(), 0, 0);
        assertEquals(384, hinted.width());
        assertEquals(128, hinted.height());
        Picture plain = preview(Layout.builder("a cat").add("a cat", new Box(0.25, 0.25, 0.75, 0.75)).build(), 0, 0);
        assertEquals(512, plain.width());
        assertEquals(512, plain.height());
        assertEquals(RED, plain.at(128, 300), "box 0's left outline at 0.25 x 512");
    }

    @Test
    void manyInstancesGetDistinctColours() {
        Set<Integer> colours = new HashSet<>();
        for (int i = 0; i < 60; i++) colours.add(LayoutPainter.colour(i));
        assertEquals(60, colours.size());
        assertFalse(colours.contains(BACKGROUND));
    }

    @Test
    void theImageIsFreedWhenClosed() {
        for (int i = 0; i < 10; i++) {
            preview(TWO, 128, 128);
            assertEquals(0, runtime.liveArrays(), "run " + i);
        }
    }
}
