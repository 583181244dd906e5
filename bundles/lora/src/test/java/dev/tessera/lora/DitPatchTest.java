package dev.tessera.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.Weights;
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
 * FLUX and SD3 LoRAs in kohya naming over the original fused modules patch the diffusers parameters as the same
 * LoRA split into diffusers modules does; halves-swapped modulations land in the right rows.
 */
class DitPatchTest {

    private static final String FLUX_WEIGHTS = "flux/diffusers/transformer/diffusion_pytorch_model.safetensors";
    private static final String SD3_WEIGHTS = "sd3/diffusers/transformer/diffusion_pytorch_model.safetensors";
    private static final long RANK = 4;

    @TempDir
    Path dir;
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
    void fluxFusedModulesEqualTheirSplitDiffusersModules() {
        Map<String, NDArray> fused = new LinkedHashMap<>();
        Map<String, NDArray> split = new LinkedHashMap<>();
        NDArray[] qkv = factors(96, 32, 6f);
        put(fused, "lora_unet_double_blocks_0_img_attn_qkv", qkv);
        for (int i = 0; i < 3; i++) {
            put(split, "transformer.transformer_blocks.0.attn." + new String[] {"to_q", "to_k", "to_v"}[i],
                    rows(qkv, 32 * i, 32 * (i + 1)));
        }
        NDArray[] linear1 = factors(224, 32, 2f);
        put(fused, "lora_unet_single_blocks_1_linear1", linear1);
        String s = "transformer.single_transformer_blocks.1.";
        put(split, s + "attn.to_q", rows(linear1, 0, 32));
        put(split, s + "attn.to_k", rows(linear1, 32, 64));
        put(split, s + "attn.to_v", rows(linear1, 64, 96));
        put(split, s + "proj_mlp", rows(linear1, 96, 224));
        NDArray[] modulation = factors(64, 32, 4f);
        put(fused, "lora_unet_final_layer_adaLN_modulation_1", modulation);
        // diffusers stores the final modulation as (scale, shift); BFL as (shift, scale).
        NDArray swappedUp = rows(modulation, 32, 64)[0].concat(rows(modulation, 0, 32)[0], 0);
        put(split, "transformer.norm_out.linear", new NDArray[] {swappedUp, modulation[1], modulation[2]});

        Map<String, Shape> parameters = Pack.shapes(FLUX_WEIGHTS);
        assertSameMerge(LoraMapping.forFlux(parameters), weights(FLUX_WEIGHTS), fused, split, 8);
    }

    @Test
    void sd3FusedModulesEqualTheirSplitDiffusersModules() {
        Map<String, NDArray> fused = new LinkedHashMap<>();
        Map<String, NDArray> split = new LinkedHashMap<>();
        NDArray[] context = factors(96, 32, 8f);
        put(fused, "lora_unet_joint_blocks_1_context_block_attn_qkv", context);
        String b = "transformer.transformer_blocks.1.attn.";
        put(split, b + "add_q_proj", rows(context, 0, 32));
        put(split, b + "add_k_proj", rows(context, 32, 64));
        put(split, b + "add_v_proj", rows(context, 64, 96));
        NDArray[] preOnly = factors(64, 32, 4f);
        put(fused, "lora_unet_joint_blocks_1_context_block_adaLN_modulation_1", preOnly);
        NDArray swappedUp = rows(preOnly, 32, 64)[0].concat(rows(preOnly, 0, 32)[0], 0);
        put(split, "transformer.transformer_blocks.1.norm1_context.linear",
                new NDArray[] {swappedUp, preOnly[1], preOnly[2]});
        NDArray[] patchEmbed = {manager.randomNormal(new Shape(32, RANK, 1, 1)),
            manager.randomNormal(new Shape(RANK, 4, 2, 2)), manager.create(4f)};
        put(fused, "lora_unet_x_embedder_proj", patchEmbed);
        put(split, "transformer.pos_embed.proj", patchEmbed);

        Map<String, Shape> parameters = Pack.shapes(SD3_WEIGHTS);
        assertSameMerge(LoraMapping.forSd3(parameters), weights(SD3_WEIGHTS), fused, split, 5);
    }

    @Test
    void fluxSwappedModulationByHand() {
        NDArray[] modulation = factors(64, 32, 2f);
        Map<String, NDArray> file = new LinkedHashMap<>();
        put(file, "lora_unet_final_layer_adaLN_modulation_1", modulation);
        Weights base = weights(FLUX_WEIGHTS);
        LoraMapping flux = LoraMapping.forFlux(Pack.shapes(FLUX_WEIGHTS));
        double strength = 1.5;
        try (LoraFile lora = LoraFile.open(write("mod.safetensors", file), manager);
                LoraMerge merge = LoraMerge.apply(base, List.of(LoraMatch.of(lora, List.of(flux)).requireFits()
                        .patch(flux, strength)), manager)) {
            Shape shape = new Shape(64, 32);
            float[] w = base.get("norm_out.linear.weight", shape).toFloatArray();
            float[] merged = merge.weights().get("norm_out.linear.weight", shape).toFloatArray();
            float[] up = modulation[0].toFloatArray();
            float[] down = modulation[1].toFloatArray();
            double scale = strength * 2.0 / RANK;
            for (int row = 0; row < 64; row++) {
                int source = row < 32 ? row + 32 : row - 32; // diffusers row r holds BFL row r ± 32
                for (int col = 0; col < 32; col++) {
                    double delta = 0;
                    for (int k = 0; k < RANK; k++) {
                        delta += up[(int) (source * RANK + k)] * (double) down[(int) (k * 32 + col)];
                    }
                    assertEquals(w[row * 32 + col] + scale * delta, merged[row * 32 + col], 1e-5,
                            "norm_out.linear.weight[" + row + ", " + col + "]");
                }
            }
        }
    }

    private void assertSameMerge(LoraMapping mapping, Weights base, Map<String, NDArray> fused,
            Map<String, NDArray> split, int parameters) {
        try (LoraFile a = LoraFile.open(write("fused.safetensors", fused), manager);
                LoraFile b = LoraFile.open(write("split.safetensors", split), manager);
                LoraMerge fromFused = LoraMerge.apply(base, List.of(LoraMatch.of(a, List.of(mapping)).requireFits()
                        .patch(mapping, 0.75)), manager);
                LoraMerge fromSplit = LoraMerge.apply(base, List.of(LoraMatch.of(b, List.of(mapping)).requireFits()
                        .patch(mapping, 0.75)), manager)) {
            assertEquals(parameters, fromFused.replacedParameters().size(), fromFused.replacedParameters().toString());
            assertEquals(fromFused.replacedParameters(), fromSplit.replacedParameters());
            for (String name : fromFused.replacedParameters()) {
                NDArray w = base.get(name, null);
                NDArray x = fromFused.weights().get(name, w.getShape());
                NDArray y = fromSplit.weights().get(name, w.getShape());
                double relative = Pack.relativeError(x.sub(w), y.sub(w));
                assertTrue(relative < 1e-6, name + ": fused and split deltas differ by " + relative);
                assertTrue(Pack.relativeError(x, w) > 1e-3, name + " was patched");
            }
        }
    }

    /** The pack's diffusers weights, by name; any shape is accepted where a test does not know it. */
    private Weights weights(String relative) {
        Map<String, NDArray> tensors = Pack.tensors(relative, manager);
        return (name, shape) -> {
            NDArray tensor = tensors.get(name);
            if (shape != null) {
                assertEquals(shape, tensor.getShape(), name);
            }
            return tensor;
        };
    }

    /** up [rows, RANK], down [RANK, in], alpha. */
    private NDArray[] factors(long rows, long in, float alpha) {
        return new NDArray[] {manager.randomNormal(new Shape(rows, RANK)), manager.randomNormal(new Shape(RANK, in)),
            manager.create(alpha)};
    }

    private static NDArray[] rows(NDArray[] factors, long start, long end) {
        return new NDArray[] {factors[0].get(new NDIndex("{}:{}", start, end)), factors[1], factors[2]};
    }

    private static void put(Map<String, NDArray> file, String key, NDArray[] factors) {
        file.put(key + ".lora_up.weight", factors[0]);
        file.put(key + ".lora_down.weight", factors[1]);
        file.put(key + ".alpha", factors[2]);
    }

    private Path write(String name, Map<String, NDArray> tensors) {
        Path file = dir.resolve(name);
        SafetensorsWriter.write(file, tensors, Map.of());
        return file;
    }
}
