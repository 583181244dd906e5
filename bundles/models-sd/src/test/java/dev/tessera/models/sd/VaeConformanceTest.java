package dev.tessera.models.sd;

import static dev.tessera.models.sd.Pack.FORWARD_TOLERANCE;
import static dev.tessera.models.sd.Pack.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** AutoencoderKL against diffusers' outputs in sd15/cases/vae, from both checkpoint layouts. */
class VaeConformanceTest {

    private NDManager manager;
    private Map<String, NDArray> reference;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
        reference = Pack.sd15Case("vae", manager);
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @ParameterizedTest
    @EnumSource(Pack.Layout.class)
    void decodeMatches(Pack.Layout layout) {
        try (StableDiffusionCheckpoint checkpoint = Pack.open(layout, manager, DataType.FLOAT32)) {
            assertEquals(0.18215f, checkpoint.vae().scalingFactor());
            assertClose("vae " + layout + " decoded", checkpoint.vae().decode(reference.get("latent")),
                    reference.get("decoded"), FORWARD_TOLERANCE);
        }
    }

    @ParameterizedTest
    @EnumSource(Pack.Layout.class)
    void encodeMatchesPosterior(Pack.Layout layout) {
        try (StableDiffusionCheckpoint checkpoint = Pack.open(layout, manager, DataType.FLOAT32)) {
            DiagonalGaussian posterior = checkpoint.vae().encode(reference.get("image"));
            assertClose("vae " + layout + " posterior_mean", posterior.mean(), reference.get("posterior_mean"),
                    FORWARD_TOLERANCE);
            assertClose("vae " + layout + " posterior_logvar", posterior.logvar(), reference.get("posterior_logvar"),
                    FORWARD_TOLERANCE);
        }
    }
}
