package dev.tessera.lora;

import static dev.tessera.lora.Pack.FORWARD_TOLERANCE;
import static dev.tessera.lora.Pack.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.DeviceWeights;
import dev.tessera.models.core.Weights;
import dev.tessera.models.sd.UNet2DConditionModel;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A LoRA is a patch over untouched, shared base weights: removable, stackable, one base for several LoRAs. */
class PatchLifecycleTest {

    private NDManager manager;
    private StableDiffusionCheckpoint checkpoint;
    private Map<String, NDArray> in;
    private Map<String, NDArray> cases;
    private LoraMapping unet;
    private final List<LoraFile> files = new ArrayList<>();

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
        checkpoint = Pack.sd15(manager);
        in = Pack.tensors("sd15/cases/unet.safetensors", manager);
        cases = Pack.tensors("lora/cases.safetensors", manager);
        unet = LoraMapping.forSd15Unet(checkpoint.unetConfig());
    }

    @AfterEach
    void tearDown() {
        files.forEach(LoraFile::close);
        checkpoint.close();
        manager.close();
    }

    @Test
    void removingThePatchRestoresTheExactBaseOutput() {
        UNet2DConditionModel base = checkpoint.unet();
        float[] before = forward(base).toFloatArray();
        float[] patched;
        try (LoraMerge merge = LoraMerge.apply(checkpoint.unetWeights(), List.of(patch(Pack.kohya(), 1.0)),
                manager)) {
            patched = forward(model(merge.weights())).toFloatArray();
        }
        assertTrue(differs(before, patched), "the LoRA changes the output");
        assertArrayEquals(before, forward(base).toFloatArray(), "the base model after the merge is closed");
        assertArrayEquals(before, forward(model(checkpoint.unetWeights())).toFloatArray(),
                "a model built afresh over the base weights");
        assertClose("base output (sanity: the pack's unet case)", forward(base),
                Pack.tensors("sd15/cases/unet.safetensors", manager).get("out"), FORWARD_TOLERANCE);
    }

    @Test
    void twoLorasOnOneBaseGiveTwoResultsWithoutReloading() {
        Weights base = checkpoint.unetWeights();
        DeviceWeights device = (DeviceWeights) base;
        int loaded = device.loadedCount();
        LoraPatch kohya = patch(Pack.kohya(), 1.0);
        LoraPatch peft = patch(Pack.peft(), 1.0);
        Map<String, NDArray> originals = baseTensors(base, kohya);
        Map<String, float[]> values = new LinkedHashMap<>();
        originals.forEach((name, tensor) -> values.put(name, tensor.toFloatArray()));

        try (LoraMerge a = LoraMerge.apply(base, List.of(kohya), manager);
                LoraMerge b = LoraMerge.apply(base, List.of(peft), manager)) {
            NDArray outA = forward(model(a.weights()));
            NDArray outB = forward(model(b.weights()));
            assertClose("branch A: kohya 1.0", outA, cases.get("unet_out_kohya_strength_1.0"), FORWARD_TOLERANCE);
            assertClose("branch B: peft 1.0", outB, cases.get("unet_out_peft_strength_1.0"), FORWARD_TOLERANCE);
            assertTrue(differs(outA.toFloatArray(), outB.toFloatArray()), "the two branches differ");
            String touched = "down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.weight";
            Shape shape = originals.get(touched).getShape();
            assertNotSame(a.weights().get(touched, shape), b.weights().get(touched, shape), "each has its copy");
            String untouched = "conv_in.weight";
            assertSame(base.get(untouched, new Shape(16, 4, 3, 3)), a.weights().get(untouched,
                    new Shape(16, 4, 3, 3)), "untouched parameters are the base tensors themselves");
        }
        assertEquals(loaded, device.loadedCount(), "no parameter was read from the checkpoint again");
        originals.forEach((name, tensor) -> {
            assertSame(tensor, base.get(name, tensor.getShape()), name + " is still the same base tensor");
            assertArrayEquals(values.get(name), tensor.toFloatArray(), name + " is unmodified");
        });
    }

    @Test
    void stackingIsTheSumOfTheDeltasInAnyOrder() {
        Weights base = checkpoint.unetWeights();
        LoraPatch kohya = patch(Pack.kohya(), 0.7);
        LoraPatch peft = patch(Pack.peft(), -0.3);
        try (LoraMerge both = LoraMerge.apply(base, List.of(kohya, peft), manager);
                LoraMerge reversed = LoraMerge.apply(base, List.of(peft, kohya), manager);
                LoraMerge first = LoraMerge.apply(base, List.of(kohya), manager);
                LoraMerge sequential = LoraMerge.apply(first.weights(), List.of(peft), manager)) {
            for (Map.Entry<String, Shape> p : kohya.shapes().entrySet()) {
                float[] stacked = both.weights().get(p.getKey(), p.getValue()).toFloatArray();
                assertArrayEquals(stacked, reversed.weights().get(p.getKey(), p.getValue()).toFloatArray(),
                        p.getKey() + ": the order of patches does not matter");
                float[] w = base.get(p.getKey(), p.getValue()).toFloatArray();
                float[] seq = sequential.weights().get(p.getKey(), p.getValue()).toFloatArray();
                for (int i = 0; i < w.length; i++) {
                    double scale = Math.max(1e-3, Math.max(Math.abs(w[i]), Math.abs(stacked[i])));
                    assertTrue(Math.abs(stacked[i] - seq[i]) <= 1e-6 * scale,
                            p.getKey() + "[" + i + "]: stacked " + stacked[i] + " vs sequential " + seq[i]);
                }
            }
        }
    }

    @Test
    void strengthZeroLeavesEveryWeightBitIdentical() {
        Weights base = checkpoint.unetWeights();
        LoraPatch zero = patch(Pack.kohya(), 0.0);
        try (LoraMerge merge = LoraMerge.apply(base, List.of(zero), manager)) {
            for (Map.Entry<String, Shape> p : zero.shapes().entrySet()) {
                assertArrayEquals(base.get(p.getKey(), p.getValue()).toFloatArray(),
                        merge.weights().get(p.getKey(), p.getValue()).toFloatArray(), p.getKey());
            }
        }
    }

    @Test
    void theMergedDeltaIsStrengthTimesAlphaOverRankTimesUpDown() {
        // Hand computation in double for the LoCon conv module: delta[o, i, y, x] = s * a/r * sum_k up[o,k] * down[k,i,y,x].
        LoraFile file = open(Pack.kohya());
        LoraModule conv = file.modules().stream()
                .filter(m -> m.key().equals("lora_unet_down_blocks_0_resnets_0_conv1")).findFirst().orElseThrow();
        float[] up = file.load(conv.upTensor(), manager).toFloatArray();
        float[] down = file.load(conv.downTensor(), manager).toFloatArray();
        double alpha = conv.alpha().orElseThrow();
        int rank = (int) conv.rank();
        assertEquals(8.0, alpha, "the file's metadata says alpha 8");
        double strength = 0.8;
        Weights base = checkpoint.unetWeights();
        String name = "down_blocks.0.resnets.0.conv1.weight";
        Shape shape = new Shape(16, 16, 3, 3);
        float[] w = base.get(name, shape).toFloatArray();
        try (LoraMerge merge = LoraMerge.apply(base, List.of(patch(Pack.kohya(), strength)), manager)) {
            float[] merged = merge.weights().get(name, shape).toFloatArray();
            int inner = 16 * 3 * 3;
            for (int o = 0; o < 16; o++) {
                for (int j = 0; j < inner; j++) {
                    double delta = 0;
                    for (int k = 0; k < rank; k++) {
                        delta += up[o * rank + k] * (double) down[k * inner + j];
                    }
                    double expected = w[o * inner + j] + strength * alpha / rank * delta;
                    assertEquals(expected, merged[o * inner + j], 1e-5, name + " at " + o + "," + j);
                }
            }
        }
    }

    @Test
    void closedMergeFreesItsCopiesOnly() {
        Weights base = checkpoint.unetWeights();
        LoraMerge merge = LoraMerge.apply(base, List.of(patch(Pack.kohya(), 1.0)), manager);
        String name = "down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.weight";
        Shape shape = new Shape(16, 16);
        NDArray copy = merge.weights().get(name, shape);
        merge.close();
        assertThrows(IllegalStateException.class, copy::toFloatArray, "the merged copy is released");
        assertEquals(16 * 16, base.get(name, shape).toFloatArray().length, "the base tensor is alive");
    }

    @Test
    void float16WeightsMergeInFloat32AndStayFloat16() {
        // dtype is a parameter: the same merge over float16 weights (what a GPU runs) keeps their dtype.
        try (StableDiffusionCheckpoint half = StableDiffusionCheckpoint.openDiffusers(
                Pack.root().resolve("sd15/diffusers"), ai.djl.Device.cpu(), DataType.FLOAT16, manager);
                LoraMerge merge = LoraMerge.apply(half.unetWeights(), List.of(patch(Pack.kohya(), 1.0)), manager)) {
            String name = "down_blocks.0.resnets.0.conv1.weight";
            assertEquals(DataType.FLOAT16, merge.weights().get(name, new Shape(16, 16, 3, 3)).getDataType());
            UNet2DConditionModel model = new UNet2DConditionModel(half.unetConfig(), merge.weights(),
                    DataType.FLOAT16);
            assertClose("float16 unet kohya 1.0 (float16 tolerance)", forward(model).toType(DataType.FLOAT32, false),
                    cases.get("unet_out_kohya_strength_1.0"), 5e-3);
        }
    }

    private Map<String, NDArray> baseTensors(Weights base, LoraPatch patch) {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        patch.shapes().forEach((name, shape) -> tensors.put(name, base.get(name, shape)));
        return tensors;
    }

    private static boolean differs(float[] a, float[] b) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < a.length; i++) {
            diff += (a[i] - b[i]) * (double) (a[i] - b[i]);
            norm += a[i] * (double) a[i];
        }
        return Math.sqrt(diff / norm) > 1e-3;
    }

    private UNet2DConditionModel model(Weights weights) {
        return new UNet2DConditionModel(checkpoint.unetConfig(), weights, DataType.FLOAT32);
    }

    private NDArray forward(UNet2DConditionModel model) {
        return model.forward(in.get("sample"), in.get("timestep"), in.get("encoder_hidden_states"));
    }

    private LoraPatch patch(Path lora, double strength) {
        return LoraMatch.of(open(lora), List.of(unet)).requireFits().patch(unet, strength);
    }

    private LoraFile open(Path lora) {
        LoraFile file = LoraFile.open(lora, manager);
        files.add(file);
        return file;
    }
}
