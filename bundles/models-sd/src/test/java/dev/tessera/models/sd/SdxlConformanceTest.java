package dev.tessera.models.sd;

import static dev.tessera.models.sd.Pack.FORWARD_TOLERANCE;
import static dev.tessera.models.sd.Pack.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.models.sd.loading.CheckpointFamily;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The SDXL UNet and both text encoders against diffusers' outputs in sdxl/cases/unet_te, from the diffusers folder
 * and from the original single file (with its architecture file): text encoders' penultimate states and pooled
 * projection, the added conditioning from text_embeds and time_ids, and the UNet's prediction.
 */
class SdxlConformanceTest {

    private NDManager manager;
    private Map<String, NDArray> reference;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
        reference = new HashMap<>();
        try (SafetensorsFile file = SafetensorsFile.open(sdxl().resolve("cases/unet_te.safetensors"))) {
            file.names().forEach(name -> reference.put(name, file.load(name, manager)));
        }
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    static Path sdxl() {
        return Pack.root().resolve("sdxl");
    }

    static StableDiffusionCheckpoint open(Pack.Layout layout, NDManager manager) {
        return switch (layout) {
            case DIFFUSERS -> StableDiffusionCheckpoint.open(sdxl().resolve("diffusers"), Device.cpu(),
                    DataType.FLOAT32, manager);
            case SINGLE_FILE -> StableDiffusionCheckpoint.openSingleFile(
                    sdxl().resolve("single-file/tiny-sdxl-unet-te.safetensors"),
                    sdxl().resolve("single-file/tiny-sdxl.arch.json"), Device.cpu(), DataType.FLOAT32, manager);
        };
    }

    @ParameterizedTest
    @EnumSource(Pack.Layout.class)
    void textEncodersAndUNetMatchTheReference(Pack.Layout layout) {
        try (StableDiffusionCheckpoint checkpoint = open(layout, manager)) {
            assertEquals(CheckpointFamily.SDXL, checkpoint.family());
            assertFalse(checkpoint.hasVae(), "the pack's SDXL checkpoint has no VAE");
            NDArray ids = reference.get("input_ids");
            CLIPTextOutput first = checkpoint.textEncoder().forward(ids);
            CLIPTextOutput second = checkpoint.textEncoder2().forward(ids);
            assertClose("sdxl " + layout + " te1_penultimate", first.penultimateHiddenState(),
                    reference.get("te1_penultimate"), FORWARD_TOLERANCE);
            assertClose("sdxl " + layout + " te2_penultimate", second.penultimateHiddenState(),
                    reference.get("te2_penultimate"), FORWARD_TOLERANCE);
            assertClose("sdxl " + layout + " te2_text_embeds", second.textEmbeds(),
                    reference.get("te2_text_embeds"), FORWARD_TOLERANCE);
            NDArray context = first.penultimateHiddenState().concat(second.penultimateHiddenState(), 2);
            assertClose("sdxl " + layout + " encoder_hidden_states", context,
                    reference.get("encoder_hidden_states"), FORWARD_TOLERANCE);

            UNet2DConditionModel unet = checkpoint.unet();
            NDArray added = unet.addedConditioning(second.textEmbeds(), reference.get("time_ids"));
            NDArray out = unet.forward(reference.get("sample"), reference.get("timestep"), context, added);
            assertClose("sdxl " + layout + " unet out", out, reference.get("out"), FORWARD_TOLERANCE);
            NDArray pieces = unet.decode(unet.encode(unet.convIn(reference.get("sample")),
                    unet.timeEmbedding(reference.get("timestep"), 2, added), context),
                    unet.timeEmbedding(reference.get("timestep"), 2, added), context);
            assertClose("sdxl " + layout + " unet encode+decode", pieces, reference.get("out"), FORWARD_TOLERANCE);
        }
    }

    @ParameterizedTest
    @EnumSource(Pack.Layout.class)
    void theUNetRefusesAMissingAddedConditioning(Pack.Layout layout) {
        try (StableDiffusionCheckpoint checkpoint = open(layout, manager)) {
            UNet2DConditionModel unet = checkpoint.unet();
            String message = assertThrows(IllegalArgumentException.class, () -> unet.forward(reference.get("sample"),
                    reference.get("timestep"), reference.get("encoder_hidden_states"))).getMessage();
            assertTrue(message.contains("added conditioning") && message.contains("[2, 64]"), message);
        }
    }
}
