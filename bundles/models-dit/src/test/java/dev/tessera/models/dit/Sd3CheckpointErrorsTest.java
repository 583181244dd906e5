package dev.tessera.models.dit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.ModelLoadException;
import dev.tessera.models.dit.loading.Sd3Checkpoint;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import dev.tessera.tensor.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What opening a broken SD3 checkpoint, or calling the MMDiT with bad inputs, tells the user. */
class Sd3CheckpointErrorsTest {

    private static final String P = "model.diffusion_model.";

    @TempDir
    Path temp;

    private NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private static Path singleFile() {
        return Pack.root().resolve("sd3/single-file/tiny-sd3.safetensors");
    }

    private static Path arch() {
        return Pack.root().resolve("sd3/single-file/tiny-sd3.arch.json");
    }

    /** The pack's original-layout file with {@code edit} applied, written under temp. */
    private Path edited(Consumer<Map<String, NDArray>> edit) {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        try (SafetensorsFile file = SafetensorsFile.open(singleFile())) {
            for (String name : file.names()) {
                tensors.put(name, file.load(name, manager));
            }
        }
        edit.accept(tensors);
        Path out = temp.resolve("edited.safetensors");
        SafetensorsWriter.write(out, tensors, Map.of());
        return out;
    }

    private String openFails(Path file) {
        return assertThrows(ModelLoadException.class, () -> Sd3Checkpoint.openSingleFile(file, arch(),
                DataType.FLOAT32, manager.newSubManager())).getMessage();
    }

    @Test
    void aMissingTensorIsNamedWithItsStoredName() {
        String message = openFails(edited(t -> t.remove(P + "joint_blocks.1.x_block.mlp.fc2.bias")));
        assertTrue(message.contains("'transformer_blocks.1.ff.net.2.bias' (stored as '" + P
                + "joint_blocks.1.x_block.mlp.fc2.bias') is missing; expected shape (32)"), message);
    }

    @Test
    void aFusedQkvOfTheWrongShapeAndAnUnexpectedTensorAreNamed() {
        String message = openFails(edited(t -> t.put(P + "joint_blocks.0.context_block.attn.qkv.weight",
                manager.zeros(new Shape(90, 32)))));
        assertTrue(message.contains("fused tensor '" + P + "joint_blocks.0.context_block.attn.qkv.weight' has shape"
                + " [90, 32], expected [96, 32]"), message);
        message = openFails(edited(t -> t.put(P + "joint_blocks.1.context_block.attn.proj.weight",
                manager.zeros(new Shape(32, 32)))));
        assertTrue(message.contains("unexpected transformer tensor '" + P
                + "joint_blocks.1.context_block.attn.proj.weight' [32, 32]")
                && message.contains("2 joint blocks"), "the last block's context stream is pre-only: " + message);
    }

    @Test
    void textEncodersAndVaeInTheSameFileAreLeftToTheirLoaders() {
        Path file = edited(t -> {
            t.put("text_encoders.clip_l.transformer.text_model.final_layer_norm.weight", manager.ones(new Shape(4)));
            t.put("first_stage_model.decoder.conv_in.bias", manager.ones(new Shape(4)));
        });
        try (Sd3Checkpoint checkpoint = Sd3Checkpoint.openSingleFile(file, arch(), DataType.FLOAT32,
                manager.newSubManager())) {
            assertEquals(2, checkpoint.config().numLayers());
        }
    }

    @Test
    void anUnsupportedQkNormInTheDiffusersConfigIsNamed() throws IOException {
        Path folder = Files.createDirectories(temp.resolve("transformer"));
        Path source = Pack.root().resolve("sd3/diffusers/transformer");
        Files.writeString(folder.resolve("config.json"), Files.readString(source.resolve("config.json"))
                .replace("\"qk_norm\": null", "\"qk_norm\": \"layer_norm\""));
        Files.copy(source.resolve("diffusion_pytorch_model.safetensors"),
                folder.resolve("diffusion_pytorch_model.safetensors"));
        String message = assertThrows(ModelLoadException.class, () -> Sd3Checkpoint.openDiffusers(folder,
                DataType.FLOAT32, manager.newSubManager())).getMessage();
        assertTrue(message.contains("qk_norm") && message.contains("'layer_norm' is not supported"), message);
    }

    @Test
    void badInputsAreNamedBeforeAnyCompute() {
        try (Sd3Checkpoint checkpoint = Sd3Checkpoint.openSingleFile(singleFile(), arch(), DataType.FLOAT32,
                manager.newSubManager())) {
            Sd3Transformer2DModel model = checkpoint.transformer();
            NDArray text = manager.zeros(new Shape(1, 5, 32));
            NDArray pooled = manager.zeros(new Shape(1, 64));
            NDArray t = manager.create(new float[] {500f});
            IllegalArgumentException odd = assertThrows(IllegalArgumentException.class, () -> model.forward(
                    new Sd3Input(manager.zeros(new Shape(1, 4, 7, 8)), text, pooled, t)));
            assertTrue(odd.getMessage().contains("'hidden_states'") && odd.getMessage().contains("patch size 2"),
                    odd.getMessage());
            IllegalArgumentException large = assertThrows(IllegalArgumentException.class, () -> model.forward(
                    new Sd3Input(manager.zeros(new Shape(1, 4, 40, 8)), text, pooled, t)));
            assertTrue(large.getMessage().contains("more than the position table's 16 per side"), large.getMessage());
            IllegalArgumentException wrongPooled = assertThrows(IllegalArgumentException.class, () -> model.forward(
                    new Sd3Input(manager.zeros(new Shape(1, 4, 8, 8)), text, manager.zeros(new Shape(1, 32)), t)));
            assertTrue(wrongPooled.getMessage().contains("'pooled_projections': expected [1, 64]"),
                    wrongPooled.getMessage());
        }
    }
}
