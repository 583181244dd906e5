package dev.tessera.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.lora.patch.ComponentMappings;
import dev.tessera.models.core.ParameterSpecs;
import dev.tessera.models.sd.CLIPTextModel;
import dev.tessera.models.sd.UNet2DConditionModel;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import dev.tessera.tensor.safetensors.SafetensorsWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LoRAs on the pack's tiny SDXL: kohya names (UNet by LDM path, {@code lora_te1_} on CLIP-L, {@code lora_te2_} on
 * OpenCLIP-G) and diffusers/PEFT names ({@code unet.}, {@code text_encoder.}, {@code text_encoder_2.}), files built
 * from the pack's own names; merged weights checked against W + strength * alpha/rank * up @ down computed here.
 */
class SdxlLoraTest {

    @TempDir
    Path temp;
    private NDManager manager;
    private StableDiffusionCheckpoint checkpoint;
    private LoraMapping unet;
    private LoraMapping clipL;
    private LoraMapping clipG;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
        checkpoint = StableDiffusionCheckpoint.open(Pack.root().resolve("sdxl/diffusers"), Device.cpu(),
                DataType.FLOAT32, manager);
        unet = LoraMapping.forSdxlUnet(ParameterSpecs.of(w -> new UNet2DConditionModel(checkpoint.unetConfig(), w,
                DataType.FLOAT32)));
        clipL = LoraMapping.forDualClip(ParameterSpecs.of(w -> new CLIPTextModel(checkpoint.textEncoderConfig(), w,
                DataType.FLOAT32)), true);
        clipG = LoraMapping.forDualClip(ParameterSpecs.of(w -> new CLIPTextModel(checkpoint.textEncoder2Config(), w,
                DataType.FLOAT32)), false);
    }

    @AfterEach
    void tearDown() {
        checkpoint.close();
        manager.close();
    }

    @Test
    void kohyaNamesReachTheUnetAndBothEncoders() {
        Map<String, NDArray> tensors = SdxlLora.forPackSdxl(manager);
        Path file = temp.resolve("kohya.safetensors");
        SafetensorsWriter.write(file, tensors, Map.of());
        try (LoraFile lora = LoraFile.open(file, manager)) {
            LoraMatch match = LoraMatch.of(lora, List.of(unet, clipL, clipG)).requireFits();
            assertTrue(match.unmatched().isEmpty(), () -> "unmatched: " + match.unmatched());
            long unetModules = tensors.keySet().stream().filter(k -> k.startsWith("lora_unet_")
                    && k.endsWith(".alpha")).count();
            assertTrue(unetModules > 0);
            assertEquals(unetModules, match.matchedCount(unet));
            assertEquals(2 * 5, match.matchedCount(clipL), "2 layers x (q, k, v, out, fc1)");
            assertEquals(2 * 3, match.matchedCount(clipG), "2 layers x (q, k, v) from the fused in_proj");

            String key = "lora_te2_text_model_encoder_layers_1_self_attn_k_proj";
            checkMerged(checkpoint.textEncoder2Weights(), match.patch(clipG, 0.5),
                    "encoder.layers.1.self_attn.k_proj.weight", tensors.get(key + ".lora_up.weight"),
                    tensors.get(key + ".lora_down.weight"), 0.5 * 4 / 4);
            String unetKey = "lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q";
            assertTrue(tensors.containsKey(unetKey + ".alpha"), "the LDM path of down_blocks.1's first attention");
            checkMerged(checkpoint.unetWeights(), match.patch(unet, 1.0),
                    "down_blocks.1.attentions.0.transformer_blocks.0.attn1.to_q.weight",
                    tensors.get(unetKey + ".lora_up.weight"), tensors.get(unetKey + ".lora_down.weight"), 1.0);
        }
    }

    @Test
    void peftNamesReachTheUnetAndBothEncoders() {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        String unetModule = "unet.down_blocks.2.attentions.1.transformer_blocks.1.attn2.to_k";
        String lModule = "text_encoder.text_model.encoder.layers.0.mlp.fc1";
        String gModule = "text_encoder_2.text_model.encoder.layers.0.self_attn.v_proj";
        String projection = "text_encoder_2.text_projection";
        peft(tensors, unetModule, 32, 32);
        peft(tensors, lModule, 32, 16);
        peft(tensors, gModule, 16, 16);
        peft(tensors, projection, 16, 16);
        Path file = temp.resolve("peft.safetensors");
        SafetensorsWriter.write(file, tensors, Map.of());
        try (LoraFile lora = LoraFile.open(file, manager)) {
            LoraMatch match = LoraMatch.of(lora, List.of(unet, clipL, clipG)).requireFits();
            assertTrue(match.unmatched().isEmpty(), () -> "unmatched: " + match.unmatched());
            assertEquals(1, match.matchedCount(unet));
            assertEquals(1, match.matchedCount(clipL));
            assertEquals(2, match.matchedCount(clipG), "v_proj and text_projection");
            checkMerged(checkpoint.unetWeights(), match.patch(unet, 1.0),
                    "down_blocks.2.attentions.1.transformer_blocks.1.attn2.to_k.weight",
                    tensors.get(unetModule + ".lora_B.weight"), tensors.get(unetModule + ".lora_A.weight"), 1.0);
            checkMerged(checkpoint.textEncoderWeights(), match.patch(clipL, 1.0), "encoder.layers.0.mlp.fc1.weight",
                    tensors.get(lModule + ".lora_B.weight"), tensors.get(lModule + ".lora_A.weight"), 1.0);
            checkMerged(checkpoint.textEncoder2Weights(), match.patch(clipG, 1.0), "text_projection.weight",
                    tensors.get(projection + ".lora_B.weight"), tensors.get(projection + ".lora_A.weight"), 1.0);
        }
    }

    @Test
    void eachEncoderTakesOnlyItsOwnKeys() {
        assertTrue(ComponentMappings.keyFor("clip_l", "lora_te1_text_model_encoder_layers_0_mlp_fc1"));
        assertTrue(!ComponentMappings.keyFor("clip_l", "lora_te2_text_model_encoder_layers_0_mlp_fc1"));
        assertTrue(!ComponentMappings.keyFor("clip_l", "text_encoder_2.text_model.encoder.layers.0.mlp.fc1"));
        assertTrue(ComponentMappings.keyFor("clip_g", "text_encoder_2.text_model.encoder.layers.0.mlp.fc1"));
        assertTrue(!ComponentMappings.keyFor("clip_g", "text_encoder.text_model.encoder.layers.0.mlp.fc1"));
        assertTrue(ComponentMappings.keyFor("text_encoder", "lora_te2_anything"), "SD1.x reports it as unmatched");
    }

    private void peft(Map<String, NDArray> tensors, String module, long out, long in) {
        tensors.put(module + ".lora_A.weight", manager.randomNormal(new Shape(4, in)));
        tensors.put(module + ".lora_B.weight", manager.randomNormal(new Shape(out, 4)));
    }

    private void checkMerged(dev.tessera.models.core.Weights base, LoraPatch patch, String parameter, NDArray up,
            NDArray down, double scale) {
        Shape shape = new Shape(up.getShape().get(0), down.getShape().get(1));
        NDArray expected = base.get(parameter, shape).add(up.matMul(down).mul((float) scale));
        try (LoraMerge merge = LoraMerge.apply(base, List.of(patch), manager)) {
            assertTrue(merge.replacedParameters().contains(parameter), parameter + " merged");
            Pack.assertClose("merged " + parameter, merge.weights().get(parameter, shape), expected, 1e-6);
        }
    }
}
