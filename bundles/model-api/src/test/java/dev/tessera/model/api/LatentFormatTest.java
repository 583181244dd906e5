package dev.tessera.model.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class LatentFormatTest {

    @Test
    void sd1ScalesByItsFactorBothWays() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray vae = m.create(new float[] {1f, -2f, 0.5f});
            // 1 * 0.18215, -2 * 0.18215, 0.5 * 0.18215, by hand
            assertArrayEquals(new float[] {0.18215f, -0.3643f, 0.091075f}, LatentFormat.SD1.toModel(vae).toFloatArray(),
                    1e-7f);
            assertArrayEquals(new float[] {1f, -2f, 0.5f},
                    LatentFormat.SD1.toVae(m.create(new float[] {0.18215f, -0.3643f, 0.091075f})).toFloatArray(), 1e-6f);
        }
    }

    @Test
    void shiftIsSubtractedBeforeScaling() {
        LatentFormat flux = new LatentFormat("flux", 16, 8, 0.3611, 0.1159);
        try (NDManager m = NDManager.newBaseManager()) {
            // (1 - 0.1159) * 0.3611 = 0.8841 * 0.3611 = 0.31924851
            assertEquals(0.31924851f, flux.toModel(m.create(new float[] {1f})).getFloat(0), 1e-7f);
            // 0.31924851 / 0.3611 + 0.1159 = 1
            assertEquals(1f, flux.toVae(m.create(new float[] {0.31924851f})).getFloat(0), 1e-6f);
        }
    }

    @Test
    void familiesAndChannelsDecideCompatibility() {
        assertTrue(LatentFormat.SD1.compatibleWith(LatentFormat.SD1.withScalingFactor(0.13025)));
        assertFalse(LatentFormat.SD1.compatibleWith(new LatentFormat("sd3", 16, 8, 1.5305, 0.0609)));
        assertFalse(LatentFormat.SD1.compatibleWith(new LatentFormat("sdxl", 4, 8, 0.13025, 0)));
        assertFalse(LatentFormat.SD1.compatibleWith(null));
    }

    @Test
    void theOpenSdVaeSpaceGoesWithSd1AndSdxlBothWays() {
        for (LatentFormat known : new LatentFormat[] {LatentFormat.SD1, LatentFormat.SDXL}) {
            assertTrue(LatentFormat.SD_VAE.compatibleWith(known), known.family());
            assertTrue(known.compatibleWith(LatentFormat.SD_VAE), known.family());
        }
        assertTrue(LatentFormat.SD_VAE.compatibleWith(LatentFormat.SD_VAE));
        assertFalse(LatentFormat.SD_VAE.compatibleWith(LatentFormat.FLUX));
        assertFalse(LatentFormat.SD3.compatibleWith(LatentFormat.SD_VAE));
        // Still no sd1/sdxl mix: only the open space bridges them.
        assertFalse(LatentFormat.SDXL.compatibleWith(LatentFormat.SD1));
    }

    @Test
    void refusesDegenerateFormats() {
        assertThrows(IllegalArgumentException.class, () -> new LatentFormat("x", 0, 8, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new LatentFormat("x", 4, 8, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new LatentFormat("x", 4, 8, Double.NaN, 0));
        assertThrows(IllegalArgumentException.class, () -> new LatentFormat(" ", 4, 8, 1, 0));
    }
}
