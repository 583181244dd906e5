package dev.tessera.image.internal.nodes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.image.ImageBatch;
import dev.tessera.image.MaskBatch;
import dev.tessera.testing.CpuRuntime;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.RunScope;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ComfyUI's image and mask nodes (ImageInvert, ImageBatch, ImageCrop, ImageCompositeMasked, EmptyImage,
 * ImagePadForOutpaint, SolidMask, MaskToImage, ImageToMask, GrowMask): values worked out by hand from ComfyUI's
 * code, pixel by pixel.
 */
class CompositingNodesTest {

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

    /** A [1, h, w, 3] image whose every channel of pixel (y, x) is {@code base + y * w + x} / 100. */
    private ImageBatch ramp(int h, int w, float base) {
        NDManager m = runtime.newManager("image");
        float[] v = new float[h * w * 3];
        for (int i = 0; i < h * w; i++) {
            for (int c = 0; c < 3; c++) v[i * 3 + c] = (base + i) / 100f;
        }
        ImageBatch image = ImageBatch.owning(m, m.create(v, new Shape(1, h, w, 3)));
        made.add(image);
        return image;
    }

    private ImageBatch filled(int batch, int h, int w, float value) {
        NDManager m = runtime.newManager("image");
        ImageBatch image = ImageBatch.owning(m, m.full(new Shape(batch, h, w, 3), value));
        made.add(image);
        return image;
    }

    private MaskBatch mask(int h, int w, float... values) {
        NDManager m = runtime.newManager("mask");
        MaskBatch mask = MaskBatch.owning(m, m.create(values, new Shape(1, h, w)));
        made.add(mask);
        return mask;
    }

    private NodeResult run(NodeType node, MapInputs inputs) {
        NodeResult result = node.execute(inputs, new RecordingContext(scope));
        for (Object value : result.values()) made.add((AutoCloseable) value);
        return result;
    }

    private ImageBatch image(NodeType node, MapInputs inputs) {
        return (ImageBatch) run(node, inputs).value(0);
    }

    private MaskBatch maskOut(NodeType node, MapInputs inputs) {
        return (MaskBatch) run(node, inputs).value(0);
    }

    /** Channel 0 of an image as [h * w] row-major, for batch entry {@code b}. */
    private static float[] red(ImageBatch image, int b) {
        int h = image.height();
        int w = image.width();
        float[] all = image.pixels().toFloatArray();
        float[] out = new float[h * w];
        for (int i = 0; i < h * w; i++) out[i] = all[(b * h * w + i) * 3];
        return out;
    }

    @Test
    void imageInvertIsOneMinusEachValue() {
        ImageBatch in = ramp(1, 2, 10);
        ImageBatch out = image(new ImageInvertNode(runtime), new MapInputs().with("image", in));
        assertArrayEquals(new float[] {0.9f, 0.9f, 0.9f, 0.89f, 0.89f, 0.89f}, out.pixels().toFloatArray(), 1e-6f);
        assertEquals(0.1f, in.pixels().toFloatArray()[0], 1e-6f, "the input is kept");
    }

    @Test
    void imageBatchAppendsAndResizesTheSecondToTheFirst() {
        ImageBatch out = image(new ImageBatchNode(runtime), new MapInputs().with("image1", filled(1, 4, 6, 0.25f))
                .with("image2", filled(2, 8, 8, 0.75f)));
        assertEquals(new Shape(3, 4, 6, 3), out.pixels().getShape());
        for (float v : red(out, 0)) assertEquals(0.25f, v, 1e-6f);
        for (float v : red(out, 2)) assertEquals(0.75f, v, 1e-6f, "a flat image stays flat when resized");
    }

    @Test
    void imageCropTakesTheRegionAndCutsItAtTheEdge() {
        ImageBatch in = ramp(4, 5, 0);
        ImageBatch out = image(new ImageCropNode(runtime), new MapInputs().with("image", in)
                .with("width", 2L).with("height", 8L).with("x", 1L).with("y", 2L));
        // rows 2..3 (8 rows asked, 2 left), columns 1..2
        assertArrayEquals(new float[] {0.11f, 0.12f, 0.16f, 0.17f}, red(out, 0), 1e-6f);
        ImageBatch corner = image(new ImageCropNode(runtime), new MapInputs().with("image", in)
                .with("width", 512L).with("height", 512L).with("x", 64L).with("y", 0L));
        // x beyond the image is clamped to the last column, as ComfyUI
        assertEquals(new Shape(1, 4, 1, 3), corner.pixels().getShape());
        assertArrayEquals(new float[] {0.04f, 0.09f, 0.14f, 0.19f}, red(corner, 0), 1e-6f);
    }

    @Test
    void imageCompositeMaskedPlacesTheSourceByPixelAndMixesByTheMask() {
        ImageBatch destination = filled(1, 4, 4, 0f);
        ImageBatch source = filled(1, 2, 2, 1f);
        ImageBatch out = image(new ImageCompositeMaskedNode(runtime), new MapInputs().with("destination", destination)
                .with("source", source).with("x", 1L).with("y", 2L).with("resize_source", false));
        assertArrayEquals(new float[] {
            0, 0, 0, 0,
            0, 0, 0, 0,
            0, 1, 1, 0,
            0, 1, 1, 0}, red(out, 0), 0f);
        assertArrayEquals(new float[16], red(destination, 0), 0f, "the destination is kept");

        // Past the edge: only the visible 1x1 part; with a mask of 0.5 (one value, resized to the source) half of each.
        ImageBatch cut = image(new ImageCompositeMaskedNode(runtime), new MapInputs().with("destination", destination)
                .with("source", source).with("x", 3L).with("y", 3L).with("resize_source", false)
                .with("mask", mask(1, 1, 0.5f)));
        float[] expected = new float[16];
        expected[15] = 0.5f;
        assertArrayEquals(expected, red(cut, 0), 1e-6f);

        // A mask given per source pixel selects them; the mask is 2x2 as the source.
        ImageBatch masked = image(new ImageCompositeMaskedNode(runtime), new MapInputs().with("destination", destination)
                .with("source", source).with("x", 0L).with("y", 0L).with("resize_source", false)
                .with("mask", mask(2, 2, 1f, 0f, 0f, 1f)));
        assertArrayEquals(new float[] {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, red(masked, 0), 1e-6f);

        ImageBatch resized = image(new ImageCompositeMaskedNode(runtime), new MapInputs().with("destination", destination)
                .with("source", source).with("x", 2L).with("y", 0L).with("resize_source", true));
        // resized to 4x4 first, then placed at x=2: the two right columns are covered
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1}, red(resized, 0), 1e-6f);
    }

    @Test
    void emptyImageFillsTheColourFromItsHexValue() {
        ImageBatch out = image(new EmptyImageNode(runtime), new MapInputs().with("width", 3L).with("height", 2L)
                .with("batch_size", 2L).with("color", 0xFF8000L));
        assertEquals(new Shape(2, 2, 3, 3), out.pixels().getShape());
        float[] v = out.pixels().toFloatArray();
        for (int i = 0; i < v.length; i += 3) {
            assertArrayEquals(new float[] {1f, 128 / 255f, 0f}, new float[] {v[i], v[i + 1], v[i + 2]}, 1e-6f);
        }
    }

    @Test
    void imagePadForOutpaintPutsTheImageOnGreyAndMasksTheMargins() {
        NodeResult result = run(new ImagePadForOutpaintNode(runtime), new MapInputs().with("image", filled(1, 4, 4, 1f))
                .with("left", 2L).with("top", 0L).with("right", 0L).with("bottom", 1L).with("feathering", 1L));
        ImageBatch image = (ImageBatch) result.value(0);
        MaskBatch mask = (MaskBatch) result.value(1);
        assertEquals(new Shape(1, 5, 6, 3), image.pixels().getShape());
        final float g = 0.5f;
        assertArrayEquals(new float[] {
            g, g, 1, 1, 1, 1,
            g, g, 1, 1, 1, 1,
            g, g, 1, 1, 1, 1,
            g, g, 1, 1, 1, 1,
            g, g, g, g, g, g}, red(image, 0), 0f);
        // feathering 1: within the image, the first column (d = 0 from the left pad) and the last row (d = 4 - 3 = 1
        // from the bottom pad is not < 1) -> only column 0 gets ((1 - 0) / 1)^2 = 1
        assertArrayEquals(new float[] {
            1, 1, 1, 0, 0, 0,
            1, 1, 1, 0, 0, 0,
            1, 1, 1, 0, 0, 0,
            1, 1, 1, 0, 0, 0,
            1, 1, 1, 1, 1, 1}, mask.values().toFloatArray(), 0f);
    }

    @Test
    void imagePadForOutpaintFeathersQuadraticallyInward() {
        MaskBatch mask = (MaskBatch) run(new ImagePadForOutpaintNode(runtime), new MapInputs()
                .with("image", filled(1, 1, 8, 1f)).with("left", 0L).with("top", 0L).with("right", 0L)
                .with("bottom", 0L).with("feathering", 2L)).value(1);
        // feathering 2 is not under half the height (1): no feathering, the image area is all zeros
        assertArrayEquals(new float[8], mask.values().toFloatArray(), 0f);
        MaskBatch feathered = (MaskBatch) run(new ImagePadForOutpaintNode(runtime), new MapInputs()
                .with("image", filled(1, 6, 6, 1f)).with("left", 8L).with("top", 0L).with("right", 0L)
                .with("bottom", 0L).with("feathering", 2L)).value(1);
        float[] row = new float[14];
        System.arraycopy(feathered.values().toFloatArray(), 14 * 3, row, 0, 14);
        // 8 margin columns, then d = 0, 1, 2.. from the left pad: (2/2)^2, (1/2)^2, 0...
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 0.25f, 0, 0, 0, 0}, row, 1e-6f);
    }

    @Test
    void solidMaskAndMaskToImageAndImageToMask() {
        MaskBatch solid = maskOut(new SolidMaskNode(runtime), new MapInputs().with("value", 0.25).with("width", 3L)
                .with("height", 2L));
        assertEquals(new Shape(1, 2, 3), solid.values().getShape());
        assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f}, solid.values().toFloatArray(), 0f);

        ImageBatch grey = image(new MaskToImageNode(runtime), new MapInputs().with("mask", mask(1, 2, 0.2f, 0.7f)));
        assertArrayEquals(new float[] {0.2f, 0.2f, 0.2f, 0.7f, 0.7f, 0.7f}, grey.pixels().toFloatArray(), 0f);

        NDManager m = runtime.newManager("rgb");
        ImageBatch rgb = ImageBatch.owning(m, m.create(new float[] {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f},
                new Shape(1, 1, 2, 3)));
        made.add(rgb);
        MaskBatch green = maskOut(new ImageToMaskNode(runtime), new MapInputs().with("image", rgb)
                .with("channel", "green"));
        assertArrayEquals(new float[] {0.2f, 0.5f}, green.values().toFloatArray(), 0f);
        NodeException alpha = assertThrows(NodeException.class, () -> new ImageToMaskNode(runtime).execute(
                new MapInputs().with("image", rgb).with("channel", "alpha"), new RecordingContext(scope)));
        assertEquals("channel", alpha.inputName());
        assertTrue(alpha.getMessage().contains("red, green and blue, not 'alpha'"), alpha.getMessage());
    }

    @Test
    void growMaskDilatesAndErodesWithTheKernelAsComfyUi() {
        float[] dot = new float[25];
        dot[12] = 1;
        MaskBatch tapered = maskOut(new GrowMaskNode(runtime), new MapInputs().with("mask", mask(5, 5, dot))
                .with("expand", 1L).with("tapered_corners", true));
        assertArrayEquals(new float[] {
            0, 0, 0, 0, 0,
            0, 0, 1, 0, 0,
            0, 1, 1, 1, 0,
            0, 0, 1, 0, 0,
            0, 0, 0, 0, 0}, tapered.values().toFloatArray(), 0f);
        MaskBatch square = maskOut(new GrowMaskNode(runtime), new MapInputs().with("mask", mask(5, 5, dot))
                .with("expand", 2L).with("tapered_corners", false));
        float[] all = new float[25];
        java.util.Arrays.fill(all, 1f);
        assertArrayEquals(all, square.values().toFloatArray(), 0f);

        float[] block = {
            0, 0, 0, 0, 0,
            0, 1, 1, 1, 0,
            0, 1, 1, 1, 0,
            0, 1, 1, 1, 0,
            0, 0, 0, 0, 0};
        MaskBatch eroded = maskOut(new GrowMaskNode(runtime), new MapInputs().with("mask", mask(5, 5, block))
                .with("expand", -1L).with("tapered_corners", true));
        float[] centre = new float[25];
        centre[12] = 1;
        assertArrayEquals(centre, eroded.values().toFloatArray(), 0f);
        // The edges repeat outward: a full mask does not erode from its border.
        MaskBatch full = maskOut(new GrowMaskNode(runtime), new MapInputs().with("mask", mask(5, 5, all))
                .with("expand", -2L).with("tapered_corners", false));
        assertArrayEquals(all, full.values().toFloatArray(), 0f);
    }
}
