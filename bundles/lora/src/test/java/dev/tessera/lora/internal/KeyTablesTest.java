package dev.tessera.lora.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.lora.LoraMapping.ModuleTargets;
import dev.tessera.lora.LoraMapping;
import dev.tessera.lora.LoraTarget;
import dev.tessera.lora.Pack;
import dev.tessera.models.core.ParameterSpecs;
import dev.tessera.models.sd.UNet2DConditionConfig;
import dev.tessera.models.sd.UNet2DConditionModel;
import dev.tessera.models.sd.loading.LdmUnetNames;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The key tables against the pack's own conversions: each original-layout (LDM, BFL, SAI) weight the tables address
 * must be exactly the diffusers weights its targets name, rows reassembled as the targets say. The pack's single
 * files were written from the diffusers weights by the reference converters, so this checks the tables
 * independently of the LoRA code.
 */
class KeyTablesTest {

    private NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @Test
    void ldmNamesAreThoseOfThePackSingleFile() {
        UNet2DConditionConfig config;
        try (StableDiffusionCheckpoint checkpoint = Pack.sd15(manager)) {
            config = checkpoint.unetConfig();
        }
        Map<String, NDArray> diffusers = Pack.tensors("sd15/diffusers/unet/diffusion_pytorch_model.safetensors",
                manager);
        Map<String, NDArray> single = Pack.tensors("sd15/single-file/tiny-sd15.safetensors", manager);
        Map<String, Shape> specs = ParameterSpecs.of(w -> new UNet2DConditionModel(config, w, DataType.FLOAT32));
        for (String name : specs.keySet()) {
            NDArray original = single.get("model.diffusion_model." + LdmUnetNames.of(name, config.layersPerBlock(), config.crossAttention()));
            assertNotNull(original, name + " -> " + LdmUnetNames.of(name, config.layersPerBlock(), config.crossAttention()) + " is not in the single file");
            assertArrayEquals(diffusers.get(name).toFloatArray(), original.toFloatArray(), name);
        }
    }

    @Test
    void sd15UnetKeysCoverBothKohyaSpellingsAndDiffusers() {
        UNet2DConditionConfig config = UNet2DConditionConfig.sd15();
        LoraMapping table = LoraMapping.forSd15Unet(config);
        String q = "down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.weight";
        String out = "up_blocks.3.attentions.2.transformer_blocks.0.attn2.to_out.0.weight";
        String projIn = "mid_block.attentions.0.proj_in.weight";
        assertTarget(table, "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q", q);
        assertTarget(table, "lora_unet_input_blocks_1_1_transformer_blocks_0_attn1_to_q", q);
        assertTarget(table, "unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q", q);
        assertTarget(table, "unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.processor.to_q", q);
        assertTarget(table, "base_model.model.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q", q);
        assertTarget(table, "lora_unet_output_blocks_11_1_transformer_blocks_0_attn2_to_out_0", out);
        assertTarget(table, "unet.up_blocks.3.attentions.2.transformer_blocks.0.attn2.processor.to_out", out);
        assertTarget(table, "lora_unet_middle_block_1_proj_in", projIn);
        assertTarget(table, "lora_unet_input_blocks_1_0_in_layers_2", "down_blocks.0.resnets.0.conv1.weight");
        assertEquals(new Shape(320, 320, 1, 1), table.targets("lora_unet_input_blocks_1_1_proj_in").orElseThrow()
                .targets().get(0).shape(), "SD1.x proj_in is a 1x1 convolution");
        assertTrue(table.targets("lora_unet_down_blocks_0_attentions_0_norm").isEmpty(), "norms take no LoRA");
    }

    @Test
    void fluxTableReassemblesEveryBflWeight() {
        Map<String, Shape> parameters = Pack.shapes("flux/diffusers/transformer/diffusion_pytorch_model.safetensors");
        LoraMapping table = LoraMapping.forFlux(parameters);
        Map<String, NDArray> diffusers = Pack.tensors(
                "flux/diffusers/transformer/diffusion_pytorch_model.safetensors", manager);
        Map<String, NDArray> bfl = Pack.tensors("flux/single-file/tiny-flux.safetensors", manager);
        int checked = reassemble(table, diffusers, bfl, "", "lora_unet_");
        assertEquals(bfl.keySet().stream().filter(n -> n.endsWith(".weight") && bfl.get(n).getShape().dimension() >= 2)
                .count(), checked, "every BFL weight matrix is addressed");
        assertDiffusersNamesAddressThemselves(table, parameters, "transformer.");
        assertDiffusersNamesAddressThemselves(table, parameters, "lora_transformer_");
        ModuleTargets linear1 = table.targets("lora_unet_single_blocks_0_linear1").orElseThrow();
        assertEquals(List.of("single_transformer_blocks.0.attn.to_q.weight", "single_transformer_blocks.0.attn.to_k"
                + ".weight", "single_transformer_blocks.0.attn.to_v.weight", "single_transformer_blocks.0.proj_mlp"
                + ".weight"), linear1.targets().stream().map(LoraTarget::parameter).toList());
    }

    @Test
    void sd3TableReassemblesEveryOriginalWeight() {
        Map<String, Shape> parameters = Pack.shapes("sd3/diffusers/transformer/diffusion_pytorch_model.safetensors");
        LoraMapping table = LoraMapping.forSd3(parameters);
        Map<String, NDArray> diffusers = Pack.tensors(
                "sd3/diffusers/transformer/diffusion_pytorch_model.safetensors", manager);
        Map<String, NDArray> original = Pack.tensors("sd3/single-file/tiny-sd3.safetensors", manager);
        int checked = reassemble(table, diffusers, original, "model.diffusion_model.", "lora_unet_");
        assertEquals(original.keySet().stream().filter(n -> n.endsWith(".weight")
                && original.get(n).getShape().dimension() >= 2).count(), checked,
                "every original weight matrix is addressed");
        assertDiffusersNamesAddressThemselves(table, parameters, "transformer.");
        assertDiffusersNamesAddressThemselves(table, parameters, "base_model.model.");
        reassemble(table, diffusers, original, "model.diffusion_model.", "diffusion_model.");
    }

    /**
     * For every original weight matrix: its key (prefix + module underscored, or dotted for diffusion_model.) must
     * be in the table and its targets' diffusers tensors, rows placed where the targets say, must equal it exactly.
     */
    private int reassemble(LoraMapping table, Map<String, NDArray> diffusers, Map<String, NDArray> original,
            String storedPrefix, String keyPrefix) {
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (Map.Entry<String, NDArray> entry : original.entrySet()) {
            String name = entry.getKey();
            if (!name.endsWith(".weight") || entry.getValue().getShape().dimension() < 2) {
                continue;
            }
            String module = name.substring(storedPrefix.length(), name.length() - ".weight".length());
            String key = keyPrefix + (keyPrefix.endsWith("_") ? module.replace('.', '_') : module);
            ModuleTargets targets = table.targets(key).orElse(null);
            if (targets == null) {
                missing.add(key);
                continue;
            }
            float[] expected = entry.getValue().toFloatArray();
            Shape shape = entry.getValue().getShape();
            assertEquals(shape.get(0), targets.moduleRows(), key + ": module rows");
            assertArrayEquals(expected, assembled(targets, diffusers, shape), key + " reassembled from " + targets);
            checked++;
        }
        assertTrue(missing.isEmpty(), "keys missing from " + table + ": " + missing);
        return checked;
    }

    private static float[] assembled(ModuleTargets targets, Map<String, NDArray> diffusers, Shape shape) {
        int rowLength = (int) shape.slice(1).size();
        float[] out = new float[(int) shape.size()];
        for (LoraTarget target : targets.targets()) {
            float[] part = diffusers.get(target.parameter()).toFloatArray();
            int offset = 0;
            for (LoraTarget.Rows rows : target.sourceRows()) {
                int length = (int) rows.length() * rowLength;
                System.arraycopy(part, offset, out, (int) rows.start() * rowLength, length);
                offset += length;
            }
        }
        return out;
    }

    private static void assertDiffusersNamesAddressThemselves(LoraMapping table, Map<String, Shape> parameters,
            String prefix) {
        parameters.forEach((name, shape) -> {
            if (name.endsWith(".weight") && shape.dimension() >= 2) {
                String module = name.substring(0, name.length() - ".weight".length());
                String key = prefix + (prefix.endsWith("_") ? module.replace('.', '_') : module);
                assertTarget(table, key, name);
            }
        });
    }

    private static void assertTarget(LoraMapping table, String key, String parameter) {
        ModuleTargets targets = table.targets(key).orElse(null);
        assertNotNull(targets, key + " is not in " + table);
        assertEquals(List.of(parameter), targets.targets().stream().map(LoraTarget::parameter).toList(), key);
        assertTrue(targets.targets().get(0).sourceRows().size() == 1
                && targets.targets().get(0).sourceRows().get(0).start() == 0, key + " takes all rows in order");
    }
}
