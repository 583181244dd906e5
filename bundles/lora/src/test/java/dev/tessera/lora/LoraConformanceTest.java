package dev.tessera.lora;

import static dev.tessera.lora.Pack.FORWARD_TOLERANCE;
import static dev.tessera.lora.Pack.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.models.sd.CLIPTextModel;
import dev.tessera.models.sd.UNet2DConditionModel;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * lora/cases: the pack's UNet and text-encoder outputs with its kohya LoRA (strength 1.0 and 0.5) and PEFT LoRA
 * (strength 1.0) applied, as computed by the reference with W' = W + strength * alpha/rank * up @ down.
 */
class LoraConformanceTest {

    private NDManager manager;
    private StableDiffusionCheckpoint checkpoint;
    private Map<String, NDArray> unetIn;
    private Map<String, NDArray> cases;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
        checkpoint = Pack.sd15(manager);
        unetIn = Pack.tensors("sd15/cases/unet.safetensors", manager);
        cases = Pack.tensors("lora/cases.safetensors", manager);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
        checkpoint.close();
        manager.close();
    }

    @Test
    void kohyaOnTheUnetAtStrengthOne() {
        assertClose("unet kohya strength 1.0", unetWith(List.of(patch(Pack.kohya(), 1.0))),
                cases.get("unet_out_kohya_strength_1.0"), FORWARD_TOLERANCE);
    }

    @Test
    void kohyaOnTheUnetAtStrengthHalf() {
        assertClose("unet kohya strength 0.5", unetWith(List.of(patch(Pack.kohya(), 0.5))),
                cases.get("unet_out_kohya_strength_0.5"), FORWARD_TOLERANCE);
    }

    @Test
    void peftOnTheUnetAtStrengthOne() {
        assertClose("unet peft strength 1.0", unetWith(List.of(patch(Pack.peft(), 1.0))),
                cases.get("unet_out_peft_strength_1.0"), FORWARD_TOLERANCE);
    }

    @Test
    void kohyaOnTheTextEncoder() {
        LoraMapping te = LoraMapping.forSd15TextEncoder(checkpoint.textEncoderConfig());
        LoraMatch match = match(Pack.kohya(), te).requireFits();
        assertEquals(15, match.matchedCount(te), "the kohya file has 3 layers x (q, k, v, out, fc1)");
        try (LoraMerge merge = LoraMerge.apply(checkpoint.textEncoderWeights(), List.of(match.patch(te, 1.0)),
                manager)) {
            CLIPTextModel model = new CLIPTextModel(checkpoint.textEncoderConfig(), merge.weights(),
                    DataType.FLOAT32);
            assertClose("text encoder kohya strength 1.0",
                    model.forward(cases.get("input_ids")).lastHiddenState(),
                    cases.get("te_last_hidden_state_kohya_strength_1.0"), FORWARD_TOLERANCE);
        }
    }

    @Test
    void halfAndHalfStackToTheStrengthOneReference() {
        assertClose("unet kohya 0.5 + kohya 0.5",
                unetWith(List.of(patch(Pack.kohya(), 0.5), patch(Pack.kohya(), 0.5))),
                cases.get("unet_out_kohya_strength_1.0"), FORWARD_TOLERANCE);
    }

    @Test
    void formatsStackAcrossNamings() {
        // The PEFT file holds the kohya factors with scale 1 instead of alpha/rank = 2: PEFT 0.5 = kohya 0.25.
        assertClose("unet peft 0.5 + kohya 0.25",
                unetWith(List.of(patch(Pack.peft(), 0.5), patch(Pack.kohya(), 0.25))),
                cases.get("unet_out_kohya_strength_0.5"), FORWARD_TOLERANCE);
    }

    @Test
    void theSingleFileCheckpointTakesTheSameLora() {
        try (StableDiffusionCheckpoint single = Pack.sd15SingleFile(manager)) {
            LoraMapping unet = LoraMapping.forSd15Unet(single.unetConfig());
            LoraFile file = open(Pack.kohya());
            LoraPatch patch = LoraMatch.of(file, List.of(unet)).requireFits().patch(unet, 1.0);
            try (LoraMerge merge = LoraMerge.apply(single.unetWeights(), List.of(patch), manager)) {
                UNet2DConditionModel model = new UNet2DConditionModel(single.unetConfig(), merge.weights(),
                        DataType.FLOAT32);
                assertClose("single-file unet kohya strength 1.0", forward(model),
                        cases.get("unet_out_kohya_strength_1.0"), FORWARD_TOLERANCE);
            }
        }
    }

    private NDArray unetWith(List<LoraPatch> patches) {
        try (LoraMerge merge = LoraMerge.apply(checkpoint.unetWeights(), patches, manager)) {
            assertTrue(merge.replacedParameters().contains("down_blocks.0.resnets.0.conv1.weight"),
                    "the LoCon module on down_blocks.0 resnet conv1 is merged");
            UNet2DConditionModel model = new UNet2DConditionModel(checkpoint.unetConfig(), merge.weights(),
                    DataType.FLOAT32);
            NDArray out = forward(model);
            out.attach(manager);
            return out;
        }
    }

    private NDArray forward(UNet2DConditionModel model) {
        return model.forward(unetIn.get("sample"), unetIn.get("timestep"), unetIn.get("encoder_hidden_states"));
    }

    private LoraPatch patch(Path lora, double strength) {
        LoraMapping unet = LoraMapping.forSd15Unet(checkpoint.unetConfig());
        LoraMapping te = LoraMapping.forSd15TextEncoder(checkpoint.textEncoderConfig());
        LoraMatch match = LoraMatch.of(open(lora), List.of(unet, te)).requireFits();
        assertTrue(match.unmatched().isEmpty(), () -> lora + ": " + match.unmatched());
        return match.patch(unet, strength);
    }

    private LoraMatch match(Path lora, LoraMapping component) {
        return LoraMatch.of(open(lora), List.of(component));
    }

    private LoraFile open(Path lora) {
        LoraFile file = LoraFile.open(lora, manager);
        opened.add(file);
        return file;
    }
}
