package dev.tessera.image.internal.nodes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.image.ImageBatch;
import dev.tessera.testing.CpuRuntime;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.RunScope;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ComfyUI's ImageStitch on small images, the expected pixels worked out by hand from its code. */
class ImageStitchNodeTest {

    private CpuRuntime runtime;
    private RunScope scope;
    private final List<AutoCloseable> made = new ArrayList<>();

    @BeforeEach
    void setUp() {
        runtime = new CpuRuntime();
        scope = new RunScope();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : made) c.close();
        scope.close();
        runtime.close();
    }

    /** [batch, h, w, 3] images whose entry b is {@code values[b]} everywhere. */
    private ImageBatch filled(int h, int w, float... values) {
        NDManager m = runtime.newManager("image");
        float[] v = new float[values.length * h * w * 3];
        for (int i = 0; i < v.length; i++) v[i] = values[i / (h * w * 3)];
        ImageBatch image = ImageBatch.owning(m, m.create(v, new Shape(values.length, h, w, 3)));
        made.add(image);
        return image;
    }

    private ImageBatch stitch(ImageBatch image1, ImageBatch image2, String direction, boolean match, int spacing,
                              String color) {
        MapInputs inputs = new MapInputs().with("image1", image1).with("direction", direction)
                .with("match_image_size", match).with("spacing_width", (long) spacing).with("spacing_color", color);
        if (image2 != null) inputs = inputs.with("image2", image2);
        ImageBatch out = (ImageBatch) new ImageStitchNode(runtime).execute(inputs, new RecordingContext(scope)).value(0);
        made.add(out);
        return out;
    }

    /** Channel {@code c} of entry {@code b} as rows of text, "0.2 0.8" per row. */
    private static List<String> rows(ImageBatch image, int b, int c) {
        float[] v = image.pixels().toFloatArray();
        int h = image.height(), w = image.width();
        List<String> rows = new ArrayList<>();
        for (int y = 0; y < h; y++) {
            StringBuilder row = new StringBuilder();
            for (int x = 0; x < w; x++) {
                row.append(x == 0 ? "" : " ").append(Math.round(v[((b * h + y) * w + x) * 3 + c] * 100) / 100f);
            }
            rows.add(row.toString());
        }
        return rows;
    }

    @Test
    void withoutMatchingTheShorterImageIsPaddedCentredInWhiteOrBlackElseBlack() {
        ImageBatch white = stitch(filled(2, 2, 0.2f), filled(5, 1, 0.8f), "right", false, 0, "white");
        // height 2 -> 5: pad 3 = 1 above, 2 below
        assertEquals(List.of("1.0 1.0 0.8", "0.2 0.2 0.8", "0.2 0.2 0.8", "1.0 1.0 0.8", "1.0 1.0 0.8"), rows(white, 0, 0));
        ImageBatch red = stitch(filled(2, 2, 0.2f), filled(5, 1, 0.8f), "right", false, 0, "red");
        assertEquals(List.of("0.0 0.0 0.8", "0.2 0.2 0.8", "0.2 0.2 0.8", "0.0 0.0 0.8", "0.0 0.0 0.8"), rows(red, 0, 0));
        // down: width 1 -> 4, pad 3 = 1 left, 2 right, black
        ImageBatch down = stitch(filled(1, 4, 0.2f), filled(1, 1, 0.8f), "down", false, 0, "black");
        assertEquals(List.of("0.2 0.2 0.2 0.2", "0.0 0.8 0.0 0.0"), rows(down, 0, 1));
    }

    @Test
    void upPutsImage2AboveWithAnEvenSpacingBandOfTheColour() {
        ImageBatch out = stitch(filled(1, 2, 0.2f), filled(1, 2, 0.8f), "up", false, 1, "red");
        // spacing 1 -> 2 rows; red is (1, 0, 0)
        assertEquals(List.of("0.8 0.8", "1.0 1.0", "1.0 1.0", "0.2 0.2"), rows(out, 0, 0));
        assertEquals(List.of("0.8 0.8", "0.0 0.0", "0.0 0.0", "0.2 0.2"), rows(out, 0, 1));
    }

    @Test
    void matchingResizesImage2ToImage1sSideKeepingItsAspectTruncated() {
        // down: image2 2x4 (aspect 2) to image1's width 3 -> height int(3 / 2) = 1
        ImageBatch down = stitch(filled(2, 3, 0.2f), filled(2, 4, 0.6f), "down", true, 0, "white");
        assertEquals(new Shape(1, 3, 3, 3), down.pixels().getShape());
        assertEquals(List.of("0.2 0.2 0.2", "0.2 0.2 0.2", "0.6 0.6 0.6"), rows(down, 0, 2));
        // left: image2 2x2 to image1's height 4 -> 4x4, on the left
        ImageBatch left = stitch(filled(4, 1, 0.2f), filled(2, 2, 0.6f), "left", true, 0, "white");
        assertEquals(new Shape(1, 4, 5, 3), left.pixels().getShape());
        assertEquals("0.6 0.6 0.6 0.6 0.2", rows(left, 0, 0).get(3));
    }

    @Test
    void theShorterBatchIsFilledWithItsLastEntryAndNoImage2GivesImage1() {
        ImageBatch out = stitch(filled(1, 1, 0.1f, 0.2f, 0.3f), filled(1, 1, 0.7f, 0.8f), "right", false, 0, "white");
        assertEquals(3, out.batchSize());
        assertEquals(List.of("0.1 0.7"), rows(out, 0, 0));
        assertEquals(List.of("0.3 0.8"), rows(out, 2, 0));
        ImageBatch alone = stitch(filled(1, 2, 0.4f), null, "right", true, 8, "blue");
        assertArrayEquals(new float[] {0.4f, 0.4f, 0.4f, 0.4f, 0.4f, 0.4f}, alone.pixels().toFloatArray());
    }
}
