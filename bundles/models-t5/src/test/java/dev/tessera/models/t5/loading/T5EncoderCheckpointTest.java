package dev.tessera.models.t5.loading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.models.core.ModelLoadException;
import dev.tessera.models.t5.Pack;
import dev.tessera.models.t5.T5Config;
import dev.tessera.tensor.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The layouts the loader accepts give the pack's outputs; bad files are refused naming file, tensor and shape. */
class T5EncoderCheckpointTest {

    @TempDir
    Path temp;

    /** What the pack's config.json says (written out here, not read through the code under test). */
    private static final T5Config PACK = new T5Config(100, 32, 8, 64, 2, 4, 8, 16, 1e-6f, "gelu_new", true);

    @Test
    void folderConfigIsReadAsTransformersDefinesIt() {
        try (NDManager manager = NDManager.newBaseManager();
                T5EncoderCheckpoint checkpoint = open(Pack.encoderFolder(), manager)) {
            assertEquals(PACK, checkpoint.config());
        }
    }

    @Test
    void singleFileUnderAPrefixWithOnlyTheTiedEmbeddingCopyGivesTheSameOutputs() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = Pack.all(Pack.encoderFolder().resolve("model.safetensors"), manager);
            Map<String, NDArray> renamed = new LinkedHashMap<>();
            String prefix = "text_encoders.t5xxl.transformer.";
            tensors.forEach((name, t) -> renamed.put(prefix + (name.equals("shared.weight")
                    ? "encoder.embed_tokens.weight" : name), t));
            renamed.put("text_encoders.clip_l.transformer.text_model.final_layer_norm.weight", tensors.get(
                    "encoder.final_layer_norm.weight"));
            Path file = temp.resolve("sd3-like.safetensors");
            SafetensorsWriter.write(file, renamed, Map.of());
            Map<String, NDArray> in = Pack.encoderCase(manager);
            try (T5EncoderCheckpoint checkpoint = T5EncoderCheckpoint.openSingleFile(file, PACK, Device.cpu(),
                    DataType.FLOAT32, manager)) {
                NDArray out = checkpoint.model().forward(in.get("input_ids"), in.get("attention_mask"));
                Pack.assertClose("single file", out, in.get("last_hidden_state"), 1e-6);
            }
            try (T5EncoderCheckpoint fromShapes = open(file, manager)) {
                // Shapes tell everything but the maximum distance, which defaults to T5's 128.
                assertEquals(new T5Config(100, 32, 8, 64, 2, 4, 8, 128, 1e-6f, "gelu_new", true),
                        fromShapes.config());
            }
        }
    }

    @Test
    void shardedFolderGivesTheSameOutputs() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = Pack.all(Pack.encoderFolder().resolve("model.safetensors"), manager);
            Path folder = Files.createDirectories(temp.resolve("sharded"));
            Files.copy(Pack.encoderFolder().resolve("config.json"), folder.resolve("config.json"));
            Map<String, NDArray> first = new LinkedHashMap<>();
            Map<String, NDArray> second = new LinkedHashMap<>();
            StringBuilder index = new StringBuilder("{\"metadata\": {}, \"weight_map\": {");
            int i = 0;
            for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
                boolean one = i++ % 2 == 0;
                (one ? first : second).put(e.getKey(), e.getValue());
                index.append(i > 1 ? ", " : "").append('"').append(e.getKey()).append("\": \"model-0000")
                        .append(one ? 1 : 2).append("-of-00002.safetensors\"");
            }
            index.append("}}");
            SafetensorsWriter.write(folder.resolve("model-00001-of-00002.safetensors"), first, Map.of());
            SafetensorsWriter.write(folder.resolve("model-00002-of-00002.safetensors"), second, Map.of());
            Files.writeString(folder.resolve("model.safetensors.index.json"), index.toString());
            Map<String, NDArray> in = Pack.encoderCase(manager);
            try (T5EncoderCheckpoint checkpoint = open(folder, manager)) {
                NDArray out = checkpoint.model().forward(in.get("input_ids"));
                Pack.assertClose("sharded", out, in.get("last_hidden_state_nomask"), 1e-6);
            }
        }
    }

    @Test
    void missingWrongAndUnexpectedTensorsAreNamed() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = Pack.all(Pack.encoderFolder().resolve("model.safetensors"), manager);
            String wo = "encoder.block.1.layer.1.DenseReluDense.wo.weight";

            Map<String, NDArray> missing = new LinkedHashMap<>(tensors);
            missing.remove(wo);
            assertLoadError(folderWith("missing", missing), manager, wo, "missing", "(32, 64)");

            Map<String, NDArray> wrong = new LinkedHashMap<>(tensors);
            wrong.put(wo, manager.zeros(new ai.djl.ndarray.types.Shape(32, 60)));
            assertLoadError(folderWith("wrong", wrong), manager, wo, "[32, 60]", "(32, 64)");

            Map<String, NDArray> extra = new LinkedHashMap<>(tensors);
            extra.put("encoder.block.1.layer.0.SelfAttention.relative_attention_bias.weight",
                    manager.zeros(new ai.djl.ndarray.types.Shape(8, 4)));
            assertLoadError(folderWith("extra", extra), manager, "unexpected",
                    "encoder.block.1.layer.0.SelfAttention.relative_attention_bias.weight");
        }
    }

    @Test
    void foldersWithoutConfigOrWeightsAndPickleFilesAreRefused() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Path empty = Files.createDirectories(temp.resolve("empty"));
            assertLoadError(empty, manager, "config.json");
            Path onlyConfig = Files.createDirectories(temp.resolve("pickle"));
            Files.copy(Pack.encoderFolder().resolve("config.json"), onlyConfig.resolve("config.json"));
            Files.writeString(onlyConfig.resolve("pytorch_model.bin"), "not read");
            assertLoadError(onlyConfig, manager, "pickle");
            Path pickle = Files.writeString(temp.resolve("t5xxl.pt"), "not read");
            assertLoadError(pickle, manager, "pickle", "t5xxl.pt");
            Path umt5 = Files.createDirectories(temp.resolve("umt5"));
            Files.writeString(umt5.resolve("config.json"), "{\"model_type\": \"umt5\"}");
            assertLoadError(umt5, manager, "model_type", "umt5");
            Path notT5 = temp.resolve("other.safetensors");
            SafetensorsWriter.write(notT5, Map.of("conv.weight", manager.zeros(new ai.djl.ndarray.types.Shape(2))),
                    Map.of());
            assertLoadError(notT5, manager, "not a T5 encoder", "conv.weight");
        }
    }

    private Path folderWith(String name, Map<String, NDArray> tensors) throws IOException {
        Path folder = Files.createDirectories(temp.resolve(name));
        Files.copy(Pack.encoderFolder().resolve("config.json"), folder.resolve("config.json"));
        SafetensorsWriter.write(folder.resolve("model.safetensors"), tensors, Map.of());
        return folder;
    }

    private static void assertLoadError(Path path, NDManager manager, String... parts) {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> open(path, manager).close());
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' in: " + e.getMessage());
        }
    }

    private static T5EncoderCheckpoint open(Path path, NDManager manager) {
        return T5EncoderCheckpoint.open(path, Device.cpu(), DataType.FLOAT32, manager);
    }
}
