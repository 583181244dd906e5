package dev.tessera.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Expected values are written out by hand (or, for Lanczos, produced by PIL itself), never by the resizer. */
class ImageResizerTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** [1, h, w, 1] holding {@code values} row-major. */
    private NDArray plane(int h, int w, float... values) {
        return manager.create(values, new Shape(1, h, w, 1));
    }

    private float[] resize(NDArray x, int w, int h, ResizeMethod m) {
        try (NDManager scratch = manager.newSubManager()) {
            return ImageResizer.resize(x, w, h, m, CropMode.DISABLED, scratch).toFloatArray();
        }
    }

    @Test
    void nearestExactPicksFloorOfCentreTimesScale() {
        NDArray row = plane(1, 3, 10, 20, 30);
        // out 5: floor((i + 0.5) * 3/5) = floor(0.3, 0.9, 1.5, 2.1, 2.7) = 0, 0, 1, 2, 2
        assertArrayEquals(new float[] {10, 10, 20, 30, 30}, resize(row, 5, 1, ResizeMethod.NEAREST_EXACT));
        NDArray square = plane(4, 4, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        // out 2: floor((i + 0.5) * 2) = 1, 3 on both axes
        assertArrayEquals(new float[] {5, 7, 13, 15}, resize(square, 2, 2, ResizeMethod.NEAREST_EXACT));
    }

    @Test
    void bilinearFollowsTheAlignCornersFalseFormula() {
        // f(y, x) = 10 y + x is linear, so bilinear gives f at the clamped source position:
        // src = clamp(scale * (i + 0.5) - 0.5, 0, in - 1).
        int inH = 3;
        int inW = 4;
        float[] values = new float[inH * inW];
        for (int y = 0; y < inH; y++) for (int x = 0; x < inW; x++) values[y * inW + x] = 10 * y + x;
        NDArray gradient = plane(inH, inW, values);
        int outH = 5;
        int outW = 3;
        float[] out = resize(gradient, outW, outH, ResizeMethod.BILINEAR);
        for (int i = 0; i < outH; i++) {
            for (int j = 0; j < outW; j++) {
                double sy = Math.min(Math.max(3.0 / 5 * (i + 0.5) - 0.5, 0), inH - 1);
                double sx = Math.min(Math.max(4.0 / 3 * (j + 0.5) - 0.5, 0), inW - 1);
                assertEquals(10 * sy + sx, out[i * outW + j], 1e-5, "output " + i + "," + j);
            }
        }
        // not antialiased: 4 -> 2 reads only the two middle neighbours, (0+1)/2 and (2+3)/2
        assertArrayEquals(new float[] {0.5f, 2.5f}, resize(plane(1, 4, 0, 1, 2, 3), 2, 1, ResizeMethod.BILINEAR));
    }

    @Test
    void areaAveragesBlocks() {
        int h = 4;
        int w = 6;
        float[] values = new float[h * w];
        for (int i = 0; i < values.length; i++) values[i] = (i * 7) % 11;
        float[] out = resize(plane(h, w, values), 3, 2, ResizeMethod.AREA);
        for (int by = 0; by < 2; by++) {
            for (int bx = 0; bx < 3; bx++) {
                float sum = 0;
                for (int y = 2 * by; y < 2 * by + 2; y++) for (int x = 2 * bx; x < 2 * bx + 2; x++) sum += values[y * w + x];
                assertEquals(sum / 4, out[by * 3 + bx], 1e-6, "block " + by + "," + bx);
            }
        }
    }

    @Test
    void bicubicUsesKeysKernelWithMinusThreeQuarters() {
        // 4 -> 8: output 2 sits at source 0.75 (t = 0.75), taps -1..2 clamped to 0,0,1,2. Keys' weights for
        // A = -0.75 at distances 1.75, 0.75, 0.25, 1.25: -0.03515625, 0.26171875, 0.87890625, -0.10546875.
        float[] impulse = resize(plane(1, 4, 0, 1, 0, 0), 8, 1, ResizeMethod.BICUBIC);
        assertEquals(0.87890625f, impulse[2], 1e-6);
        // output 3 at source 1.25 (t = 0.25): taps 0..3 weights -0.10546875, 0.87890625, 0.26171875, -0.03515625
        assertEquals(0.87890625f, impulse[3], 1e-6);
        // output 5 at source 2.25: taps 1..4 -> 1,2,3,3; the impulse at 1 gets the first weight
        assertEquals(-0.10546875f, impulse[5], 1e-6, "bicubic overshoots below zero, not clamped");
        // output 0 at source -0.25: floor -1, t = 0.75, taps -2..1 clamped to 0,0,0,1 -> weight of tap 1 only
        assertEquals(-0.10546875f, impulse[0], 1e-6);
        // constant stays constant
        for (float v : resize(plane(2, 3, 5, 5, 5, 5, 5, 5), 7, 5, ResizeMethod.BICUBIC)) assertEquals(5f, v, 1e-5);
    }

    @Test
    void lanczosMatchesPilExactly() {
        // Reference: PIL 9.4, Image.frombytes("RGB", (5, 4), data).resize(size, Image.LANCZOS).tobytes() with
        // data[y][x][c] = (37 x + 91 y + 53 c) % 256.
        int w = 5;
        int h = 4;
        float[] in = new float[h * w * 3];
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) for (int c = 0; c < 3; c++) {
            in[(y * w + x) * 3 + c] = ((37 * x + 91 * y + 53 * c) % 256) / 255f;
        }
        NDArray image = manager.create(in, new Shape(1, h, w, 3));
        assertBytes(new int[] {11, 59, 142, 24, 96, 172, 68, 145, 173, 114, 167, 132, 140, 195, 151, 170, 183, 190,
            190, 148, 203, 147, 215, 109, 185, 145, 147, 165, 94, 128, 83, 136, 45, 96, 169, 56, 143, 126, 113, 159,
            56, 138, 61, 123, 82, 91, 88, 97, 92, 71, 138, 51, 104, 187, 69, 128, 238, 111, 175, 153, 127, 212, 56},
                resize(image, 7, 3, ResizeMethod.LANCZOS));
        assertBytes(new int[] {7, 57, 103, 62, 111, 191, 123, 194, 255, 38, 103, 185, 127, 199, 128, 197, 165, 150,
            134, 162, 207, 159, 217, 56, 209, 119, 60, 218, 152, 62, 67, 54, 84, 64, 109, 153, 118, 106, 71, 61, 72,
            172, 86, 168, 150, 10, 77, 143, 98, 160, 224, 168, 214, 101},
                resize(image, 3, 6, ResizeMethod.LANCZOS));
        assertBytes(new int[] {88, 133, 138, 148, 158, 140, 107, 113, 121, 102, 138, 132},
                resize(image, 2, 2, ResizeMethod.LANCZOS));
    }

    @Test
    void lanczosQuantisesTo8BitsEvenAtTheSameSize() {
        // ComfyUI goes through uint8 (truncating 255 x) even when PIL has nothing to resample.
        float[] out = resize(plane(1, 2, 0.5f, 1.5f), 2, 1, ResizeMethod.LANCZOS);
        assertArrayEquals(new float[] {127 / 255f, 1f}, out);
    }

    private static void assertBytes(int[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i] / 255f, actual[i], 0f, "sample " + i);
    }

    @Test
    void centerCropCutsTheLongerSideEvenly() {
        assertEquals(new ImageResizer.CropBox(0, 25, 50, 50), ImageResizer.centerCrop(100, 50, 64, 64));
        assertEquals(new ImageResizer.CropBox(25, 0, 50, 100), ImageResizer.centerCrop(100, 100, 200, 100));
        assertEquals(new ImageResizer.CropBox(0, 0, 30, 40), ImageResizer.centerCrop(40, 30, 400, 300), "same aspect");
        // (5 - 5 * 0.8) / 2 = 0.5 rounds half to even: nothing is cut
        assertEquals(new ImageResizer.CropBox(0, 0, 4, 5), ImageResizer.centerCrop(5, 4, 1, 1));
        // (6 - 6 * 0.5) / 2 = 1.5 rounds to 2
        assertEquals(new ImageResizer.CropBox(0, 2, 3, 2), ImageResizer.centerCrop(6, 3, 1, 1));
    }

    @Test
    void centerCropIsAppliedBeforeScaling() {
        // 4x2 -> 2x2 with centre crop keeps columns 1..2, then nearest-exact at the same size copies them.
        NDArray x = plane(2, 4, 0, 1, 2, 3, 4, 5, 6, 7);
        try (NDManager scratch = manager.newSubManager()) {
            NDArray out = ImageResizer.resize(x, 2, 2, ResizeMethod.NEAREST_EXACT, CropMode.CENTER, scratch);
            assertArrayEquals(new float[] {1, 2, 5, 6}, out.toFloatArray());
        }
    }

    @Test
    void zeroSideFollowsTheAspect() {
        assertArrayEquals(new int[] {320, 240}, ImageResizer.targetSize(640, 480, 0, 240));
        assertArrayEquals(new int[] {100, 75}, ImageResizer.targetSize(640, 480, 100, 0));
        assertArrayEquals(new int[] {2, 1}, ImageResizer.targetSize(3, 2, 0, 1), "1.5 rounds to 2");
        assertArrayEquals(new int[] {2, 1}, ImageResizer.targetSize(5, 2, 0, 1), "2.5 rounds half to even");
        assertArrayEquals(new int[] {1000, 1}, ImageResizer.targetSize(1000, 1, 0, 1));
        assertArrayEquals(new int[] {1, 1}, ImageResizer.targetSize(1000, 1, 1, 0), "at least one pixel");
        assertArrayEquals(new int[] {7, 9}, ImageResizer.targetSize(7, 9, 0, 0));
    }

    @Test
    void resultLivesInScratchAndTheInputSurvives() {
        NDArray x = manager.create(new float[2 * 4 * 4 * 3], new Shape(2, 4, 4, 3));
        for (ResizeMethod m : ResizeMethod.values()) {
            NDArray out;
            try (NDManager scratch = manager.newSubManager()) {
                out = ImageResizer.resize(x, 3, 5, m, CropMode.CENTER, scratch);
                assertEquals(new Shape(2, 5, 3, 3), out.getShape(), m.comfyName());
                assertTrue(scratch.getManagedArrays().contains(out), m + ": result belongs to scratch");
            }
            assertTrue(out.isReleased(), m + ": closing scratch frees the result and temporaries");
            assertFalse(x.isReleased(), m + ": the input is untouched");
            assertEquals(1, manager.getManagedArrays().size(), m + ": nothing was allocated outside scratch");
        }
    }

    @Test
    void computesInTheInputDtype() {
        float[] values = {0f, 0.25f, 0.5f, 1f, 0.75f, 0.125f};
        NDArray f32 = plane(2, 3, values);
        NDArray f16 = f32.toType(DataType.FLOAT16, true);
        for (ResizeMethod m : new ResizeMethod[] {ResizeMethod.BILINEAR, ResizeMethod.BICUBIC, ResizeMethod.NEAREST_EXACT}) {
            try (NDManager scratch = manager.newSubManager()) {
                NDArray half = ImageResizer.resize(f16, 5, 3, m, CropMode.DISABLED, scratch);
                assertEquals(DataType.FLOAT16, half.getDataType(), m.comfyName());
                float[] expected = ImageResizer.resize(f32, 5, 3, m, CropMode.DISABLED, scratch).toFloatArray();
                float[] got = half.toType(DataType.FLOAT32, false).toFloatArray();
                for (int i = 0; i < got.length; i++) assertEquals(expected[i], got[i], 2e-3, m + " sample " + i);
            }
        }
    }

    @Test
    void badArgumentsAreRefused() {
        NDArray x = plane(2, 2, 1, 2, 3, 4);
        try (NDManager scratch = manager.newSubManager()) {
            assertThrows(IllegalArgumentException.class,
                    () -> ImageResizer.resize(x, 0, 2, ResizeMethod.BILINEAR, CropMode.DISABLED, scratch));
            assertThrows(IllegalArgumentException.class,
                    () -> ImageResizer.resize(manager.zeros(new Shape(2, 2)), 1, 1, ResizeMethod.AREA, CropMode.DISABLED, scratch));
        }
    }
}
