package dev.tessera.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.sd.CLIPTextConfig;
import dev.tessera.models.sd.UNet2DConditionConfig;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import dev.tessera.tensor.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad LoRA input fails with a message naming the file, the key and what was expected; nothing aborts. */
class LoraErrorsTest {

    private static final String Q = "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q";

    @TempDir
    Path dir;
    private NDManager manager;
    private LoraMapping unet;
    private LoraMapping te;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
        try (StableDiffusionCheckpoint checkpoint = Pack.sd15(manager)) {
            UNet2DConditionConfig unetConfig = checkpoint.unetConfig();
            CLIPTextConfig textConfig = checkpoint.textEncoderConfig();
            unet = LoraMapping.forSd15Unet(unetConfig);
            te = LoraMapping.forSd15TextEncoder(textConfig);
        }
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @Test
    void rankMismatchBetweenUpAndDown() {
        Path file = write("rank.safetensors", Map.of(Q + ".lora_up.weight", random(16, 4),
                Q + ".lora_down.weight", random(8, 16)));
        String message = assertThrows(LoraException.class, () -> LoraFile.open(file, manager)).getMessage();
        assertContains(message, file.toString(), Q, "rank mismatch", "rank 4", "rank 8");
    }

    @Test
    void incompletePair() {
        Path file = write("half.safetensors", Map.of(Q + ".lora_up.weight", random(16, 4)));
        String message = assertThrows(LoraException.class, () -> LoraFile.open(file, manager)).getMessage();
        assertContains(message, file.toString(), Q, "incomplete", "no down factor");
    }

    @Test
    void alphaMustBeAFiniteScalar() {
        Path vector = write("alpha2.safetensors", Map.of(Q + ".lora_up.weight", random(16, 4),
                Q + ".lora_down.weight", random(4, 16), Q + ".alpha", manager.create(new float[] {1, 2})));
        assertContains(assertThrows(LoraException.class, () -> LoraFile.open(vector, manager)).getMessage(),
                Q + ".alpha", "expected a scalar");
        Path nan = write("alphanan.safetensors", Map.of(Q + ".lora_up.weight", random(16, 4),
                Q + ".lora_down.weight", random(4, 16), Q + ".alpha", manager.create(Float.NaN)));
        assertContains(assertThrows(LoraException.class, () -> LoraFile.open(nan, manager)).getMessage(),
                Q + ".alpha", "finite");
    }

    @Test
    void aFileThatIsNotSafetensors() throws IOException {
        Path file = dir.resolve("notes.safetensors");
        Files.writeString(file, "these are my favourite prompts, not tensors");
        String message = assertThrows(LoraException.class, () -> LoraFile.open(file, manager)).getMessage();
        assertContains(message, file.toString(), "not a readable LoRA safetensors file");
        Path missing = dir.resolve("missing.safetensors");
        assertContains(assertThrows(LoraException.class, () -> LoraFile.open(missing, manager)).getMessage(),
                missing.toString(), "cannot open");
    }

    @Test
    void pickleFilesAreNeverRead() throws IOException {
        Path file = dir.resolve("old.ckpt");
        Files.write(file, new byte[] {(byte) 0x80, 2, 'c'});
        assertContains(assertThrows(LoraException.class, () -> LoraFile.open(file, manager)).getMessage(),
                file.toString(), "pickle");
    }

    @Test
    void aFileWithoutPairs() {
        Path file = write("empty.safetensors", Map.of("something.weight", random(2, 2)));
        assertContains(assertThrows(LoraException.class, () -> LoraFile.open(file, manager)).getMessage(),
                file.toString(), "no LoRA factor pairs", "something.weight");
    }

    @Test
    void lycorisVariantsAreRefusedByName() {
        Path file = write("loha.safetensors", Map.of(Q + ".hada_w1_a", random(16, 4), Q + ".hada_w1_b",
                random(4, 16), Q + ".hada_w2_a", random(16, 4), Q + ".hada_w2_b", random(4, 16)));
        assertContains(assertThrows(LoraException.class, () -> LoraFile.open(file, manager)).getMessage(),
                file.toString(), "LoHa", "4 tensors");
    }

    @Test
    void strengthMustBeFinite() {
        try (LoraFile file = LoraFile.open(Pack.kohya(), manager)) {
            LoraMatch match = LoraMatch.of(file, List.of(unet, te)).requireFits();
            for (double strength : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
                assertContains(assertThrows(LoraException.class, () -> match.patch(unet, strength)).getMessage(),
                        Pack.kohya().toString(), "strength " + strength, "SD1.x UNet", "not a finite number");
            }
        }
    }

    @Test
    void anSdxlLoraOnSd15SaysWhatDidNotMatch() {
        Path file = write("sdxl.safetensors", SdxlLora.forPackSdxl(manager));
        try (LoraFile lora = LoraFile.open(file, manager)) {
            LoraMatch match = LoraMatch.of(lora, List.of(unet, te));
            String message = assertThrows(LoraException.class, match::requireFits).getMessage();
            System.out.println(message);
            assertContains(message, file.toString(), "does not fit this SD1.x UNet / SD1.x text encoder",
                    "name a parameter of another shape", "match no parameter name", "lora_te1_", "SDXL");
        }
    }

    @Test
    void anSd2StyleContextWidthNamesTheParameterAndBothShapes() {
        String k = "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k";
        Path file = write("sd2.safetensors", Map.of(k + ".lora_up.weight", random(16, 4),
                k + ".lora_down.weight", random(4, 48)));
        try (LoraFile lora = LoraFile.open(file, manager)) {
            String message = assertThrows(LoraException.class,
                    () -> LoraMatch.of(lora, List.of(unet, te)).requireFits()).getMessage();
            assertContains(message, k, "down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight",
                    "(4, 48)", "(16, 32)");
        }
    }

    @Test
    void aFluxLoraOnSd15MatchesNothing() {
        String k = "lora_unet_double_blocks_0_img_attn_qkv";
        Path file = write("flux.safetensors", Map.of(k + ".lora_up.weight", random(96, 4),
                k + ".lora_down.weight", random(4, 32)));
        try (LoraFile lora = LoraFile.open(file, manager)) {
            String message = assertThrows(LoraException.class,
                    () -> LoraMatch.of(lora, List.of(unet, te)).requireFits()).getMessage();
            assertContains(message, "none of its 1 modules", k, "FLUX");
        }
    }

    @Test
    void unmatchedKeysAreReportedNotDropped() {
        Map<String, NDArray> tensors = new LinkedHashMap<>(Pack.tensors("lora/tiny-sd15-kohya.safetensors",
                manager));
        tensors.put("lora_unet_not_a_layer.lora_up.weight", random(16, 4));
        tensors.put("lora_unet_not_a_layer.lora_down.weight", random(4, 16));
        tensors.put("training_step_count", manager.create(new float[] {1200}));
        Path file = write("extra.safetensors", tensors);
        try (LoraFile lora = LoraFile.open(file, manager)) {
            LoraMatch match = LoraMatch.of(lora, List.of(unet, te)).requireFits();
            UnmatchedKeys report = match.unmatched();
            assertEquals(2, report.count(), report.toString());
            assertEquals(List.of("lora_unet_not_a_layer", "training_step_count"), report.first());
            assertContains(report.toString(), "2 keys match nothing", "lora_unet_not_a_layer");
            assertEquals(145, match.matched().size(), "every pack module still applies");
        }
    }

    @Test
    void textEncoderKeysAreNotUnmatchedWhenOnlyTheModelIsPatched() {
        try (LoraFile lora = LoraFile.open(Pack.kohya(), manager)) {
            LoraMatch match = LoraMatch.of(lora, List.of(unet, te)).requireFits();
            assertEquals(15, match.patch(te, 1.0).modules().size());
            assertEquals(130, match.patch(unet, 1.0).modules().size());
            assertTrue(match.unmatched().isEmpty(), match.unmatched().toString());
            LoraMatch unetOnly = LoraMatch.of(lora, List.of(unet)).requireFits();
            assertEquals(15, unetOnly.unmatched().count(), "against the UNet alone, the text-encoder keys are"
                    + " reported");
        }
    }

    private NDArray random(long... shape) {
        return manager.randomNormal(new Shape(shape));
    }

    private Path write(String name, Map<String, NDArray> tensors) {
        Path file = dir.resolve(name);
        SafetensorsWriter.write(file, new LinkedHashMap<>(tensors), Map.of());
        return file;
    }

    static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "message should contain '" + part + "': " + message);
        }
    }
}
