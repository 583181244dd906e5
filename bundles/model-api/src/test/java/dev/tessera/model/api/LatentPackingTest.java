package dev.tessera.model.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class LatentPackingTest {

    /** Every element lands where diffusers' view/permute/reshape puts it, by index arithmetic written out here. */
    @Test
    void packingFollowsDiffusersOrderElementByElement() {
        int b = 2;
        int c = 3;
        int h = 4;
        int w = 6;
        float[] values = new float[b * c * h * w];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray packed = LatentPacking.pack(m.create(values, new Shape(b, c, h, w)));
            assertArrayEquals(new long[] {b, (h / 2) * (w / 2), c * 4}, packed.getShape().getShape());
            float[] got = packed.toFloatArray();
            int tokens = (h / 2) * (w / 2);
            for (int n = 0; n < b; n++) {
                for (int ch = 0; ch < c; ch++) {
                    for (int y = 0; y < h; y++) {
                        for (int x = 0; x < w; x++) {
                            int token = (y / 2) * (w / 2) + (x / 2);
                            int feature = ch * 4 + (y % 2) * 2 + (x % 2);
                            float expected = ((n * c + ch) * h + y) * w + x;
                            assertEquals(expected, got[(n * tokens + token) * c * 4 + feature],
                                    "batch " + n + " channel " + ch + " at " + y + "," + x);
                        }
                    }
                }
            }
        }
    }

    @Test
    void unpackingInvertsPackingExactly() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(7);
            NDArray latent = m.randomNormal(new Shape(1, 16, 8, 10));
            NDArray back = LatentPacking.unpack(LatentPacking.pack(latent), 8, 10);
            assertArrayEquals(latent.toFloatArray(), back.toFloatArray(), 0f);
            assertEquals(latent.getShape(), back.getShape());
        }
    }

    @Test
    void oddSizesAndMismatchedTokenCountsAreRefused() {
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> LatentPacking.pack(m.zeros(new Shape(1, 16, 7, 8))));
            assertTrue(e.getMessage().contains("(1, 16, 7, 8)") && e.getMessage().contains("even"), e.getMessage());
            NDArray packed = m.zeros(new Shape(1, 20, 64));
            e = assertThrows(IllegalArgumentException.class, () -> LatentPacking.unpack(packed, 8, 8));
            assertTrue(e.getMessage().contains("16 tokens (4x4)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> LatentPacking.unpack(packed, 5, 8));
            assertTrue(e.getMessage().contains("5x8"), e.getMessage());
        }
    }

    @Test
    void fluxFormatHasBflsFactors() {
        assertEquals(16, LatentFormat.FLUX.channels());
        assertEquals(8, LatentFormat.FLUX.downscale());
        assertEquals(0.3611, LatentFormat.FLUX.scalingFactor());
        assertEquals(0.1159, LatentFormat.FLUX.shiftFactor());
    }
}
