package dev.tessera.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ImageBatchTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private static BufferedImage randomImage(int w, int h, long seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(seed);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, r.nextInt(1 << 24));
        return img;
    }

    @Test
    void bufferedImagesRoundTripExactly() {
        List<BufferedImage> images = List.of(randomImage(7, 5, 1), randomImage(7, 5, 2));
        try (ImageBatch batch = ImageBatch.fromBufferedImages(manager, images, Device.cpu())) {
            assertEquals(new Shape(2, 5, 7, 3), batch.pixels().getShape());
            assertEquals(DataType.FLOAT32, batch.pixels().getDataType());
            for (int n = 0; n < 2; n++) {
                BufferedImage back = batch.toBufferedImage(n);
                for (int y = 0; y < 5; y++) for (int x = 0; x < 7; x++) {
                    assertEquals(images.get(n).getRGB(x, y), back.getRGB(x, y), "image " + n + " pixel " + x + "," + y);
                }
            }
        }
    }

    @Test
    void valuesAreSamplesOver255InRgbOrder() {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, 0xFF8000);
        img.setRGB(1, 0, 0x0000FF);
        try (ImageBatch batch = ImageBatch.fromBufferedImages(manager, List.of(img), Device.cpu())) {
            assertArrayEquals(new float[] {1f, 128 / 255f, 0f, 0f, 0f, 1f}, batch.pixels().toFloatArray());
        }
    }

    @Test
    void quantisationTruncatesAndClipsAsComfyUi() {
        NDArray px = manager.create(new float[] {0.5f, 1.2f, -0.3f, 0.999f, 0.0039f, 0.004f}, new Shape(1, 1, 2, 3));
        try (ImageBatch batch = ImageBatch.of(manager, px)) {
            // 127.5 -> 127, 306 -> 255, -76.5 -> 0, 254.745 -> 254, 0.9945 -> 0, 1.02 -> 1
            byte[] rgb = batch.toRgb8(0);
            assertArrayEquals(new int[] {127, 255, 0, 254, 0, 1}, toUnsigned(rgb));
        }
    }

    private static int[] toUnsigned(byte[] b) {
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) out[i] = b[i] & 0xFF;
        return out;
    }

    @Test
    void aBatchWithNaNOrInfinityIsRefusedAndItsManagerClosed() {
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            for (ai.djl.ndarray.types.DataType type : List.of(ai.djl.ndarray.types.DataType.FLOAT32, ai.djl.ndarray.types.DataType.FLOAT16)) {
                float[] values = new float[2 * 3 * 3];
                values[7] = bad;
                NDManager own = manager.newSubManager();
                NDArray pixels = own.create(values, new ai.djl.ndarray.types.Shape(1, 2, 3, 3)).toType(type, true);
                ArithmeticException e = assertThrows(ArithmeticException.class, () -> ImageBatch.owning(own, pixels), bad + " " + type);
                assertTrue(e.getMessage().contains(Float.isNaN(bad) ? "(NaN)" : "(infinite)"), e.getMessage());
                assertFalse(own.isOpen(), "the batch's manager is closed with the refusal");
            }
        }
        // Large but finite values are an image (clipped when saved), not an error.
        float[] big = new float[3];
        big[0] = 3e38f;
        big[1] = -3e38f;
        try (ImageBatch ok = ImageBatch.of(manager, manager.create(big, new ai.djl.ndarray.types.Shape(1, 1, 1, 3)))) {
            assertEquals(1, ok.width());
        }
    }

    @Test
    void closingTheBatchFreesItsTensorOnly() {
        NDArray other = manager.zeros(new Shape(1));
        ImageBatch batch = ImageBatch.of(manager, manager.ones(new Shape(1, 2, 2, 3)));
        NDArray px = batch.pixels();
        batch.close();
        assertTrue(px.isReleased());
        assertFalse(other.isReleased());
    }

    @Test
    void copyIsIndependent() {
        ImageBatch batch = ImageBatch.of(manager, manager.ones(new Shape(1, 2, 2, 3)));
        ImageBatch copy = batch.copy(manager);
        batch.close();
        assertEquals(12f, copy.pixels().sum().getFloat());
        copy.close();
    }

    @Test
    void ownedManagerIsClosedWithTheBatch() {
        NDManager own = manager.newSubManager();
        ImageBatch batch = ImageBatch.owning(own, manager.ones(new Shape(1, 1, 1, 3)));
        assertTrue(own.getManagedArrays().contains(batch.pixels()), "pixels moved into the owned manager");
        batch.close();
        assertFalse(own.isOpen());
    }

    @Test
    void wrongShapesAndTypesAreRefusedWithTheShape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImageBatch.of(manager, manager.zeros(new Shape(1, 4, 4, 4))));
        assertTrue(e.getMessage().contains("(1, 4, 4, 4)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ImageBatch.of(manager, manager.zeros(new Shape(4, 4, 3))));
        assertThrows(IllegalArgumentException.class,
                () -> ImageBatch.of(manager, manager.zeros(new Shape(1, 2, 2, 3), DataType.INT32)));
        assertThrows(IllegalArgumentException.class, () -> ImageBatch.fromImages(manager, List.of(), Device.cpu()));
        assertThrows(IllegalArgumentException.class,
                () -> MaskBatch.of(manager, manager.zeros(new Shape(1, 2, 2, 1))));
    }

    @Test
    void imagesOfDifferentSizesDoNotBatch() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageBatch.fromBufferedImages(
                manager, List.of(randomImage(3, 3, 1), randomImage(3, 4, 2)), Device.cpu()));
        assertTrue(e.getMessage().contains("image 1 is 3x4"), e.getMessage());
    }

    @Test
    void maskIsInvertedAlpha() {
        int[] argb = {0x00FFFFFF, 0xFF000000, 0x80123456};
        DecodedImage img = new DecodedImage(3, 1, argb, true);
        try (MaskBatch mask = MaskBatch.fromInvertedAlpha(manager, List.of(img), Device.cpu())) {
            assertEquals(new Shape(1, 1, 3), mask.values().getShape());
            assertArrayEquals(new float[] {1f, 0f, 1f - 128 / 255f}, mask.toFloats(0));
        }
        try (MaskBatch zeros = MaskBatch.zeros(manager, 1, 64, 64, Device.cpu())) {
            assertEquals(0f, zeros.values().abs().sum().getFloat());
            assertEquals(64, zeros.width());
        }
    }
}
