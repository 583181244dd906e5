package dev.tessera.layout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BoxMasksTest {

    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static Layout layout(Box... boxes) {
        Layout.Builder b = Layout.builder("a scene");
        for (int i = 0; i < boxes.length; i++) b.add("thing " + i, boxes[i]);
        return b.build();
    }

    @Test
    void pixelAlignedBoxMaskSumsToItsAreaInPixels() {
        // 64..320 x 32..200 on a 512 canvas: 256 x 168 pixels.
        Layout l = layout(new Box(64 / 512.0, 32 / 512.0, 320 / 512.0, 200 / 512.0));
        try (NDManager m = manager.newSubManager()) {
            NDArray masks = BoxMasks.pixelMasks(m, l, 512, 512, false, DataType.FLOAT32);
            assertEquals(new Shape(1, 512, 512), masks.getShape());
            assertEquals(256 * 168, masks.sum().getFloat(), 0);
            float[] v = masks.toFloatArray();
            assertEquals(1f, v[32 * 512 + 64]);
            assertEquals(0f, v[31 * 512 + 64]);
            assertEquals(0f, v[32 * 512 + 63]);
            assertEquals(1f, v[199 * 512 + 319]);
            assertEquals(0f, v[200 * 512 + 319]);
            assertEquals(0f, v[199 * 512 + 320]);
        }
    }

    @Test
    void unalignedBoxIsRasterisedAsTheReleasedCodeTruncates() {
        // On 512 x 384: x 0.1..0.33 -> 51.2..168.96 -> columns 51..167 (117); y 0.15..0.71 -> 57.6..272.64 ->
        // rows 57..271 (215), as mask[int(y1):int(y2), int(x1):int(x2)] = 1.
        Box box = new Box(0.1, 0.15, 0.33, 0.71);
        assertEquals(new BoxMasks.PixelRect(51, 57, 168, 272), BoxMasks.pixelRect(box, 512, 384));
        try (NDManager m = manager.newSubManager()) {
            NDArray masks = BoxMasks.pixelMasks(m, layout(box), 512, 384, false, DataType.FLOAT32);
            assertEquals(new Shape(1, 384, 512), masks.getShape());
            assertEquals(117 * 215, masks.sum().getFloat(), 0);
        }
    }

    @Test
    void boxThinnerThanAPixelKeepsOnePixel() {
        Box sliver = new Box(0.5, 0.5, 0.5001, 0.9);
        BoxMasks.PixelRect r = BoxMasks.pixelRect(sliver, 512, 512);
        assertEquals(1, r.x1() - r.x0());
        assertEquals(256, r.x0());
    }

    @Test
    void globalEntryComesFirstWithTheWholeCanvas() {
        Layout l = layout(new Box(0, 0, 0.5, 0.5), new Box(0.5, 0.5, 1, 1));
        try (NDManager m = manager.newSubManager()) {
            NDArray masks = BoxMasks.pixelMasks(m, l, 64, 32, true, DataType.FLOAT32);
            assertEquals(new Shape(3, 32, 64), masks.getShape());
            assertEquals(64 * 32, masks.get(0).sum().getFloat(), 0);
            assertEquals(32 * 16, masks.get(1).sum().getFloat(), 0);
            assertEquals(32 * 16, masks.get(2).sum().getFloat(), 0);
            // The two instance masks do not share a pixel.
            assertEquals(0, masks.get(1).mul(masks.get(2)).sum().getFloat(), 0);
        }
    }

    @Test
    void encoderInputRepeatsTheMaskInThreeChannels() {
        Layout l = layout(new Box(0.25, 0.25, 0.75, 0.5));
        try (NDManager m = manager.newSubManager()) {
            NDArray one = BoxMasks.pixelMasks(m, l, 32, 32, true, DataType.FLOAT32);
            NDArray three = BoxMasks.encoderInput(m, l, 32, 32, true, DataType.FLOAT32);
            assertEquals(new Shape(2, 3, 32, 32), three.getShape());
            for (int c = 0; c < 3; c++) {
                assertArrayEquals(one.toFloatArray(), three.get(":, " + c).toFloatArray());
            }
        }
    }

    @Test
    void latentMasksMatchBilinearInterpolationComputedIndependently() {
        Layout l = layout(new Box(0.1, 0.15, 0.33, 0.71), new Box(37 / 512.0, 0, 1, 203 / 384.0),
                new Box(0.6, 0.6, 0.61, 0.62));
        try (NDManager m = manager.newSubManager()) {
            NDArray pixel = BoxMasks.pixelMasks(m, l, 512, 384, true, DataType.FLOAT32);
            NDArray latent = BoxMasks.latentMasks(m, l, 512, 384, 8, true, DataType.FLOAT32);
            assertEquals(new Shape(4, 48, 64), latent.getShape());
            float[] expected = bilinear(pixel.toFloatArray(), 4, 384, 512, 48, 64);
            assertArrayEquals(expected, latent.toFloatArray(), 1e-6f);
        }
    }

    @Test
    void factorEightAveragesTheTwoCentrePixelsOfEachCell() {
        // 512 -> 64 with align_corners=False samples source 8d + 3.5: pixels 8d+3 and 8d+4, half each. A box from
        // pixel 12 to 36 (x) and 0 to 512 (y): cell 1 sees pixels 11 (out) and 12 (in) -> 0.5; cells 2..3 -> 1;
        // cell 4 sees 35 (in) and 36 (out) -> 0.5; cell 0 and cells 5.. -> 0.
        Layout l = layout(new Box(12 / 512.0, 0, 36 / 512.0, 1));
        try (NDManager m = manager.newSubManager()) {
            float[] row = BoxMasks.latentMasks(m, l, 512, 512, 8, false, DataType.FLOAT32).get(0, 10).toFloatArray();
            float[] expected = new float[64];
            expected[1] = 0.5f;
            expected[2] = 1f;
            expected[3] = 1f;
            expected[4] = 0.5f;
            assertArrayEquals(expected, row, 0f);
        }
    }

    @Test
    void nonIntegerScaleOnARampMatchesHandComputedValues() {
        // 10 -> 3: scale 10/3; sources 0.5*10/3-0.5 = 1.1667, 4.5, 7.8333; a ramp 0..9 gives those values
        // (antialias off: plain two-tap blending).
        try (NDManager m = manager.newSubManager()) {
            NDArray ramp = m.arange(0f, 10f).reshape(1, 1, 10);
            float[] out = BoxMasks.resize(ramp, 1, 3).toFloatArray();
            assertArrayEquals(new float[] {7f / 6f, 4.5f, 47f / 6f}, out, 1e-5f);
        }
    }

    @Test
    void resizeOfAnyMaskMatchesBilinearFormula() {
        try (NDManager m = manager.newSubManager()) {
            float[] data = new float[2 * 40 * 24];
            for (int i = 0; i < data.length; i++) data[i] = (float) ((i * 7919) % 101) / 100f;
            NDArray masks = m.create(data, new Shape(2, 40, 24));
            NDArray out = BoxMasks.resize(masks, 5, 3);
            assertEquals(new Shape(2, 5, 3), out.getShape());
            assertArrayEquals(bilinear(data, 2, 40, 24, 5, 3), out.toFloatArray(), 1e-5f);
        }
    }

    @Test
    void dtypeAndManagerAreTheCallers() {
        Layout l = layout(new Box(0.25, 0.25, 0.75, 0.75));
        try (NDManager m = manager.newSubManager()) {
            NDArray half = BoxMasks.latentMasks(m, l, 64, 64, 8, true, DataType.FLOAT16);
            assertEquals(DataType.FLOAT16, half.getDataType());
            assertEquals(m.getDevice(), half.getDevice());
            // Only the result stays with the caller's manager: temporaries were closed.
            assertEquals(1, m.getManagedArrays().size());
            NDArray full = BoxMasks.latentMasks(m, l, 64, 64, 8, true, DataType.FLOAT32);
            assertArrayEquals(full.toFloatArray(), half.toType(DataType.FLOAT32, false).toFloatArray(), 1e-3f);
        }
    }

    @Test
    void repeatedCallsDoNotGrowTheManager() {
        Layout l = layout(new Box(0.1, 0.1, 0.4, 0.9), new Box(0.5, 0.2, 0.9, 0.6));
        try (NDManager m = manager.newSubManager()) {
            for (int i = 0; i < 50; i++) {
                try (NDManager step = m.newSubManager()) {
                    BoxMasks.latentMasks(step, l, 128, 128, 8, true, DataType.FLOAT32);
                    BoxMasks.encoderInput(step, l, 128, 128, true, DataType.FLOAT32);
                }
            }
            assertEquals(0, m.getManagedArrays().size());
        }
    }

    @Test
    void fiftyFiveInstancesGiveFiftySixMasks() {
        List<Instance> many = new ArrayList<>();
        for (int i = 0; i < 55; i++) {
            double x = (i % 11) / 11.0, y = (i / 11) / 5.0;
            many.add(Instance.of("cell " + i, new Box(x, y, x + 1 / 11.0, y + 0.2)));
        }
        try (NDManager m = manager.newSubManager()) {
            NDArray masks = BoxMasks.pixelMasks(m, Layout.of("grid", many), 88, 40, true, DataType.FLOAT32);
            assertEquals(new Shape(56, 40, 88), masks.getShape());
            // The 55 cells tile the canvas exactly: every pixel in exactly one instance mask.
            NDArray cover = masks.get("1:").sum(new int[] {0});
            assertEquals(88 * 40, cover.eq(1).sum().getLong());
        }
    }

    @Test
    void canvasNotAMultipleOfTheLatentFactorIsAnError() {
        Layout l = layout(new Box(0, 0, 1, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BoxMasks.latentMasks(manager, l, 100, 64, 8, false, DataType.FLOAT32));
        assertEquals(true, e.getMessage().contains("100x64"));
    }

    /**
     * torch.nn.functional.interpolate(bilinear, align_corners=False, antialias=False) written out pixel by pixel:
     * source = (dst + 0.5) * in / out - 0.5, clamped at 0, blended between floor and floor + 1 (last index kept).
     */
    private static float[] bilinear(float[] in, int n, int h, int w, int oh, int ow) {
        float[] out = new float[n * oh * ow];
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < oh; i++) {
                double sy = Math.max(0, (i + 0.5) * h / oh - 0.5);
                int y0 = (int) Math.floor(sy), y1 = Math.min(y0 + 1, h - 1);
                double ly = sy - y0;
                for (int j = 0; j < ow; j++) {
                    double sx = Math.max(0, (j + 0.5) * w / ow - 0.5);
                    int x0 = (int) Math.floor(sx), x1 = Math.min(x0 + 1, w - 1);
                    double lx = sx - x0;
                    int base = b * h * w;
                    double v = (1 - ly) * ((1 - lx) * in[base + y0 * w + x0] + lx * in[base + y0 * w + x1])
                            + ly * ((1 - lx) * in[base + y1 * w + x0] + lx * in[base + y1 * w + x1]);
                    out[b * oh * ow + i * ow + j] = (float) v;
                }
            }
        }
        return out;
    }
}
