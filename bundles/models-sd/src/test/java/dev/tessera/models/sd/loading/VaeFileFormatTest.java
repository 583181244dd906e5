package dev.tessera.models.sd.loading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.model.api.LatentFormat;
import dev.tessera.models.core.ModelLoadException;
import dev.tessera.models.sd.AutoencoderKLConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Which latent family VAELoader gives a VAE: SD3's and FLUX's share a topology and differ in their factors. */
class VaeFileFormatTest {

    private static final Path FILE = Path.of("vae.safetensors");

    @Test
    void sd3FactorsWithoutQuantConvolutionsAreSd3sLatentSpace() {
        LatentFormat format = VaeFile.format(FILE, AutoencoderKLConfig.flux().withFactors(1.5305f, 0.0609f));
        assertEquals("sd3", format.family());
        assertEquals(16, format.channels());
        assertEquals(8, format.downscale());
        assertEquals(LatentFormat.SD3.shiftFactor(), format.shiftFactor(), 1e-6);
    }

    @Test
    void fluxsFactorsStayFluxsAndAQuantConvVaeWithSd3FactorsIsRefused() {
        assertEquals("flux", VaeFile.format(FILE, AutoencoderKLConfig.flux()).family());
        AutoencoderKLConfig quant = new AutoencoderKLConfig(3, 3, 16, java.util.List.of(128, 256, 512, 512), 2, 32,
                1.5305f, true, true, true, 0.0609f);
        assertThrows(ModelLoadException.class, () -> VaeFile.format(FILE, quant));
    }

    @Test
    void anSdVaeWithoutAStatedFactorGoesWithSd1AndSdxlAndAStatedFactorDecides() {
        AutoencoderKLConfig sd = AutoencoderKLConfig.sd15();
        LatentFormat open = VaeFile.format(FILE, sd, false);
        assertEquals(LatentFormat.SD_VAE, open);
        assertTrue(open.compatibleWith(LatentFormat.SDXL) && open.compatibleWith(LatentFormat.SD1));
        assertEquals(LatentFormat.SDXL, VaeFile.format(FILE, sd.withFactors(0.13025f, 0f), true));
        assertEquals("sd1", VaeFile.format(FILE, sd, true).family());
    }
}
