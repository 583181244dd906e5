package dev.tessera.lora.patch;

import static dev.tessera.lora.Pack.FORWARD_TOLERANCE;
import static dev.tessera.lora.Pack.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.lora.LoraException;
import dev.tessera.lora.Pack;
import dev.tessera.model.api.WeightPatch;
import dev.tessera.models.core.ParameterSpecs;
import dev.tessera.models.core.Weights;
import dev.tessera.models.sd.CLIPTextModel;
import dev.tessera.models.sd.UNet2DConditionModel;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import dev.tessera.tensor.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A LoRA side as a model-api weight patch, applied the way a handle applies patches, against lora/cases. */
class LoraWeightPatchTest {

    @TempDir
    Path dir;
    private NDManager manager;
    private StableDiffusionCheckpoint checkpoint;
    private Map<String, NDArray> in;
    private Map<String, NDArray> cases;
    private Map<String, Shape> unetShapes;
    private Map<String, Shape> textShapes;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
        checkpoint = Pack.sd15(manager);
        in = Pack.tensors("sd15/cases/unet.safetensors", manager);
        cases = Pack.tensors("lora/cases.safetensors", manager);
        unetShapes = ParameterSpecs.of(w -> new UNet2DConditionModel(checkpoint.unetConfig(), w, DataType.FLOAT32));
        textShapes = ParameterSpecs.of(w -> new CLIPTextModel(checkpoint.textEncoderConfig(), w, DataType.FLOAT32));
    }

    @AfterEach
    void tearDown() {
        checkpoint.close();
        manager.close();
    }

    @Test
    void modelSideMatchesTheKohyaCase() {
        assertClose("handle patch: unet kohya 1.0", unet(List.of(patch(Pack.kohya(), LoraSide.MODEL, 1.0))),
                cases.get("unet_out_kohya_strength_1.0"), FORWARD_TOLERANCE);
    }

    @Test
    void textEncoderSideMatchesTheKohyaCase() {
        Weights weights = Views.patched("text_encoder", checkpoint.textEncoderWeights(), textShapes,
                List.of(patch(Pack.kohya(), LoraSide.TEXT_ENCODER, 1.0)), manager);
        CLIPTextModel model = new CLIPTextModel(checkpoint.textEncoderConfig(), weights, DataType.FLOAT32);
        assertClose("handle patch: text encoder kohya 1.0", model.forward(cases.get("input_ids")).lastHiddenState(),
                cases.get("te_last_hidden_state_kohya_strength_1.0"), FORWARD_TOLERANCE);
    }

    @Test
    void patchesOnOneHandleStackSequentially() {
        assertClose("handle patches: peft 0.5 then kohya 0.25", unet(List.of(patch(Pack.peft(), LoraSide.MODEL, 0.5),
                patch(Pack.kohya(), LoraSide.MODEL, 0.25))), cases.get("unet_out_kohya_strength_0.5"),
                FORWARD_TOLERANCE);
    }

    @Test
    void nothingIsReplacedAtStrengthZeroOrWithoutModulesForTheSide() {
        Weights base = checkpoint.unetWeights();
        assertTrue(patch(Pack.kohya(), LoraSide.MODEL, 0.0).apply(Views.view("unet", base, unetShapes, Map.of()),
                manager).isEmpty());
        Map<String, NDArray> unetOnly = new LinkedHashMap<>();
        Pack.tensors("lora/tiny-sd15-kohya.safetensors", manager).forEach((name, tensor) -> {
            if (name.startsWith("lora_unet_")) {
                unetOnly.put(name, tensor);
            }
        });
        Path file = dir.resolve("unet-only.safetensors");
        SafetensorsWriter.write(file, unetOnly, Map.of());
        Weights text = checkpoint.textEncoderWeights();
        assertTrue(new LoraWeightPatch(file, LoraSide.TEXT_ENCODER, 1.0).apply(Views.view("text_encoder", text,
                textShapes, Map.of()), manager).isEmpty(), "a UNet-only LoRA leaves the CLIP as it is");
    }

    @Test
    void keysTellPatchesApart() {
        WeightPatch a = patch(Pack.kohya(), LoraSide.MODEL, 1.0);
        assertEquals(a.key(), patch(Pack.kohya(), LoraSide.MODEL, 1.0).key());
        assertNotEquals(a.key(), patch(Pack.kohya(), LoraSide.MODEL, 0.5).key());
        assertNotEquals(a.key(), patch(Pack.kohya(), LoraSide.TEXT_ENCODER, 1.0).key());
        assertNotEquals(a.key(), patch(Pack.peft(), LoraSide.MODEL, 1.0).key());
    }

    @Test
    void nonFiniteStrengthIsRefused() {
        String message = assertThrows(LoraException.class,
                () -> new LoraWeightPatch(Pack.kohya(), LoraSide.MODEL, Double.NaN)).getMessage();
        assertTrue(message.contains("strength NaN") && message.contains(Pack.kohya().toString()), message);
    }

    @Test
    void anSdxlLoraFailsOnApplySayingWhatDidNotMatch() {
        Path file = dir.resolve("sdxl.safetensors");
        SafetensorsWriter.write(file, dev.tessera.lora.SdxlLora.forPackSdxl(manager), Map.of());
        WeightPatch patch = new LoraWeightPatch(file, LoraSide.MODEL, 1.0);
        String message = assertThrows(LoraException.class, () -> patch.apply(Views.view("unet",
                checkpoint.unetWeights(), unetShapes, Map.of()), manager)).getMessage();
        assertTrue(message.contains("does not fit this SD1.x UNet") && message.contains("SDXL")
                && message.contains(file.toString()), message);
    }

    @Test
    void aFileReplacedAfterLoadingIsNotReadSilently() throws IOException {
        Path file = dir.resolve("copy.safetensors");
        Files.copy(Pack.kohya(), file);
        WeightPatch patch = new LoraWeightPatch(file, LoraSide.MODEL, 1.0);
        Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 5000));
        String message = assertThrows(LoraException.class, () -> patch.apply(Views.view("unet",
                checkpoint.unetWeights(), unetShapes, Map.of()), manager)).getMessage();
        assertTrue(message.contains("changed since the LoRA was loaded"), message);
    }

    private NDArray unet(List<WeightPatch> patches) {
        Weights weights = Views.patched("unet", checkpoint.unetWeights(), unetShapes, patches, manager);
        UNet2DConditionModel model = new UNet2DConditionModel(checkpoint.unetConfig(), weights, DataType.FLOAT32);
        return model.forward(in.get("sample"), in.get("timestep"), in.get("encoder_hidden_states"));
    }

    private static WeightPatch patch(Path file, LoraSide side, double strength) {
        return new LoraWeightPatch(file, side, strength);
    }
}
