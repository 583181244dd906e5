package dev.tessera.models.sd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The diffusers folder and the single file hold the same weights: every output must be bit-identical. */
class LayoutEquivalenceTest {

    private NDManager manager;
    private StableDiffusionCheckpoint diffusers;
    private StableDiffusionCheckpoint singleFile;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
        diffusers = Pack.open(Pack.Layout.DIFFUSERS, manager, DataType.FLOAT32);
        singleFile = Pack.open(Pack.Layout.SINGLE_FILE, manager, DataType.FLOAT32);
    }

    @AfterEach
    void tearDown() {
        diffusers.close();
        singleFile.close();
        manager.close();
    }

    @Test
    void configurationsAgree() {
        assertEquals(diffusers.unetConfig(), singleFile.unetConfig());
        assertEquals(diffusers.vaeConfig(), singleFile.vaeConfig());
        assertEquals(diffusers.textEncoderConfig(), singleFile.textEncoderConfig());
    }

    @Test
    void textEncoderOutputsAreIdentical() {
        NDArray ids = Pack.sd15Case("text_encoder", manager).get("input_ids");
        CLIPTextOutput a = diffusers.textEncoder().forward(ids);
        CLIPTextOutput b = singleFile.textEncoder().forward(ids);
        assertIdentical("last_hidden_state", a.lastHiddenState(), b.lastHiddenState());
        assertIdentical("penultimate_hidden_state", a.penultimateHiddenState(), b.penultimateHiddenState());
        assertIdentical("pooler_output", a.pooledOutput(), b.pooledOutput());
    }

    @Test
    void unetOutputsAreIdentical() {
        Map<String, NDArray> in = Pack.sd15Case("unet", manager);
        assertIdentical("unet out",
                diffusers.unet().forward(in.get("sample"), in.get("timestep"), in.get("encoder_hidden_states")),
                singleFile.unet().forward(in.get("sample"), in.get("timestep"), in.get("encoder_hidden_states")));
    }

    @Test
    void vaeOutputsAreIdentical() {
        Map<String, NDArray> in = Pack.sd15Case("vae", manager);
        assertIdentical("vae decoded", diffusers.vae().decode(in.get("latent")),
                singleFile.vae().decode(in.get("latent")));
        DiagonalGaussian a = diffusers.vae().encode(in.get("image"));
        DiagonalGaussian b = singleFile.vae().encode(in.get("image"));
        assertIdentical("vae posterior mean", a.mean(), b.mean());
        assertIdentical("vae posterior logvar", a.logvar(), b.logvar());
    }

    private static void assertIdentical(String what, NDArray a, NDArray b) {
        assertEquals(a.getShape(), b.getShape(), what + " shape");
        assertTrue(a.contentEquals(b), what + " differs between the diffusers folder and the single file");
    }
}
