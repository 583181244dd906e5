package dev.tessera.models.sd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The same code in half precision, what a GPU would run. bfloat16 was the first choice, but DJL 0.35's PyTorch JNI
 * aborts the JVM on any bfloat16 tensor (measured: creating or converting one ends the process with "terminate
 * called without an active exception"), so the models refuse it with a message and this test runs float16, which
 * libtorch supports on the CPU for every op used. Tolerance: float16 keeps 11 significant bits (~5e-4 per
 * rounding), accumulated over the network.
 */
class ReducedPrecisionTest {

    private static final double FLOAT16_TOLERANCE = 1e-2;

    @Test
    void unetInFloat16StaysCloseToTheReference() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> in = Pack.sd15Case("unet", manager);
            for (Pack.Layout layout : Pack.Layout.values()) {
                try (StableDiffusionCheckpoint checkpoint = Pack.open(layout, manager, DataType.FLOAT16)) {
                    NDArray out = checkpoint.unet().forward(in.get("sample"), in.get("timestep"),
                            in.get("encoder_hidden_states"));
                    assertEquals(DataType.FLOAT16, out.getDataType());
                    Pack.assertClose("unet " + layout + " float16 out", out, in.get("out"), FLOAT16_TOLERANCE);
                }
            }
        }
    }

    @Test
    void textEncoderAndVaeInFloat16StayClose() {
        try (NDManager manager = NDManager.newBaseManager();
                StableDiffusionCheckpoint checkpoint = Pack.open(Pack.Layout.SINGLE_FILE, manager,
                        DataType.FLOAT16)) {
            Map<String, NDArray> text = Pack.sd15Case("text_encoder", manager);
            Pack.assertClose("text encoder float16 last_hidden_state",
                    checkpoint.textEncoder().forward(text.get("input_ids")).lastHiddenState(),
                    text.get("last_hidden_state"), FLOAT16_TOLERANCE);
            Map<String, NDArray> vae = Pack.sd15Case("vae", manager);
            Pack.assertClose("vae float16 decoded", checkpoint.vae().decode(vae.get("latent")), vae.get("decoded"),
                    FLOAT16_TOLERANCE);
        }
    }

    @Test
    void bfloat16IsRefusedWithAReasonInsteadOfAbortingTheProcess() {
        try (NDManager manager = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Pack.open(Pack.Layout.DIFFUSERS, manager, DataType.BFLOAT16));
            assertTrue(e.getMessage().contains("bfloat16") && e.getMessage().contains("float16"), e.getMessage());
        }
    }
}
