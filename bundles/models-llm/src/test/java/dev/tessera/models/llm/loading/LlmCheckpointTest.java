package dev.tessera.models.llm.loading;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.llm.Architecture;
import dev.tessera.models.core.ModelLoadException;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import dev.tessera.tensor.safetensors.SafetensorsWriter;
import dev.tessera.testing.ConformancePack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading transformers folders: the pack's models, Janus-Pro's layout, sharded weights, and what is refused. */
class LlmCheckpointTest {

    private static NDManager manager;

    @BeforeAll
    static void start() {
        manager = NDManager.newBaseManager(Device.cpu());
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    static Path pack(String model) {
        return ConformancePack.dir().resolve("llm/" + model);
    }

    @Test
    void readsThePacksLlamaAndQwen2() {
        try (LlmCheckpoint llama = LlmCheckpoint.open(pack("llama"), Device.cpu(), DataType.FLOAT32, manager);
                LlmCheckpoint qwen = LlmCheckpoint.open(pack("qwen2"), Device.cpu(), DataType.FLOAT32, manager)) {
            assertEquals(Architecture.LLAMA, llama.config().architecture());
            assertEquals(Architecture.QWEN2, qwen.config().architecture());
            assertTrue(qwen.config().attentionBias());
            assertEquals(2, llama.config().groups());
            assertEquals("", llama.prefix());
        }
    }

    /** Janus-Pro: the LM's config under language_config, its tensors under language_model., vision parts beside. */
    @Test
    void janusProLanguageModelUnderItsPrefixGivesTheSameLogits(@TempDir Path dir) throws Exception {
        Path janus = dir.resolve("janus");
        Files.createDirectories(janus);
        String llamaConfig = Files.readString(pack("llama").resolve("config.json"));
        Files.writeString(janus.resolve("config.json"), "{\"model_type\": \"multi_modality\", \"language_config\": "
                + llamaConfig + ", \"vision_config\": {}}");
        try (NDManager m = manager.newSubManager(); SafetensorsFile original = SafetensorsFile.open(
                pack("llama").resolve("model.safetensors"))) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            for (String name : original.names()) {
                tensors.put("language_model." + name, original.load(name, m));
            }
            tensors.put("vision_model.patch.weight", m.ones(new Shape(2, 2)));
            SafetensorsWriter.write(janus.resolve("model.safetensors"), tensors, Map.of());
            NDArray ids = m.create(new long[] {1, 5, 9, 33}, new Shape(1, 4));
            try (LlmCheckpoint plain = LlmCheckpoint.open(pack("llama"), Device.cpu(), DataType.FLOAT32, m);
                    LlmCheckpoint converted = LlmCheckpoint.open(janus, Device.cpu(), DataType.FLOAT32, m)) {
                assertEquals("language_model.", converted.prefix());
                assertArrayEquals(plain.model().forward(ids).toFloatArray(),
                        converted.model().forward(ids).toFloatArray());
            }
        }
    }

    @Test
    void shardedWeightsLoadThroughTheirIndex(@TempDir Path dir) throws Exception {
        Path sharded = dir.resolve("sharded");
        Files.createDirectories(sharded);
        Files.copy(pack("qwen2").resolve("config.json"), sharded.resolve("config.json"));
        StringBuilder index = new StringBuilder("{\"weight_map\": {");
        try (NDManager m = manager.newSubManager(); SafetensorsFile original = SafetensorsFile.open(
                pack("qwen2").resolve("model.safetensors"))) {
            Map<String, NDArray> first = new LinkedHashMap<>();
            Map<String, NDArray> second = new LinkedHashMap<>();
            for (String name : original.names()) {
                boolean one = name.contains("layers.0.") || name.contains("embed");
                (one ? first : second).put(name, original.load(name, m));
                index.append(index.charAt(index.length() - 1) == '{' ? "" : ", ").append('"').append(name)
                        .append("\": \"model-0000").append(one ? 1 : 2).append("-of-00002.safetensors\"");
            }
            SafetensorsWriter.write(sharded.resolve("model-00001-of-00002.safetensors"), first, Map.of());
            SafetensorsWriter.write(sharded.resolve("model-00002-of-00002.safetensors"), second, Map.of());
            Files.writeString(sharded.resolve("model.safetensors.index.json"), index.append("}}").toString());
            NDArray ids = m.create(new long[] {1, 7, 3}, new Shape(1, 3));
            try (LlmCheckpoint plain = LlmCheckpoint.open(pack("qwen2"), Device.cpu(), DataType.FLOAT32, m);
                    LlmCheckpoint shards = LlmCheckpoint.open(sharded, Device.cpu(), DataType.FLOAT32, m)) {
                assertArrayEquals(plain.model().forward(ids).toFloatArray(), shards.model().forward(ids).toFloatArray());
            }
        }
    }

    @Test
    void pickleIsRefusedWithAMessageToConvert(@TempDir Path dir) throws Exception {
        Path folder = dir.resolve("pickled");
        Files.createDirectories(folder);
        Files.copy(pack("llama").resolve("config.json"), folder.resolve("config.json"));
        Files.write(folder.resolve("pytorch_model.bin"), new byte[] {1, 2, 3});
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> LlmCheckpoint.open(folder, Device.cpu(), DataType.FLOAT32, manager));
        assertTrue(e.getMessage().contains("convert them to safetensors"), e.getMessage());
        ModelLoadException file = assertThrows(ModelLoadException.class, () -> LlmCheckpoint.open(
                folder.resolve("pytorch_model.bin"), Device.cpu(), DataType.FLOAT32, manager));
        assertTrue(file.getMessage().contains("use a .safetensors file"), file.getMessage());
    }

    @Test
    void anUnsupportedArchitectureIsNamed(@TempDir Path dir) throws Exception {
        Path folder = dir.resolve("mistral");
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("config.json"), "{\"model_type\": \"gemma\", \"hidden_size\": 32}");
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> LlmCheckpoint.open(folder, Device.cpu(), DataType.FLOAT32, manager));
        assertTrue(e.getMessage().contains("architecture 'gemma' is not supported"), e.getMessage());
        assertTrue(e.getMessage().contains("config.json"), e.getMessage());
    }

    @Test
    void untiedEmbeddingsWithoutLmHeadNameTheTensor(@TempDir Path dir) throws Exception {
        Path folder = dir.resolve("nohead");
        Files.createDirectories(folder);
        Files.copy(pack("llama").resolve("config.json"), folder.resolve("config.json"));
        try (NDManager m = manager.newSubManager(); SafetensorsFile original = SafetensorsFile.open(
                pack("llama").resolve("model.safetensors"))) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            original.names().stream().filter(n -> !n.equals("lm_head.weight"))
                    .forEach(n -> tensors.put(n, original.load(n, m)));
            SafetensorsWriter.write(folder.resolve("model.safetensors"), tensors, Map.of());
        }
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> LlmCheckpoint.open(folder, Device.cpu(), DataType.FLOAT32, manager));
        assertTrue(e.getMessage().contains("'lm_head.weight' is missing"), e.getMessage());
    }
}
