package dev.tessera.tensor.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The reference pack: every file opens, every tensor loads as its header says, and known values are right. */
class ConformancePackSafetensorsTest {

    private static Path pack() {
        String dir = System.getProperty("tessera.conformance.dir");
        assertTrue(dir != null && Files.isDirectory(Path.of(dir)), "system property tessera.conformance.dir: " + dir);
        return Path.of(dir);
    }

    private static JsonObject json(Path file) throws IOException {
        return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    }

    @Test
    void everyTensorOfEveryFileLoads() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(pack())) {
            files = walk.filter(p -> p.toString().endsWith(".safetensors")).sorted().toList();
        }
        assertTrue(files.size() >= 40, "expected the whole pack, found " + files.size() + " files");
        int tensors = 0;
        for (Path path : files) {
            try (SafetensorsFile file = SafetensorsFile.open(path)) {
                assertFalse(file.names().isEmpty(), path::toString);
                for (String name : file.names()) {
                    TensorInfo info = file.info(name);
                    try (NDManager manager = NDManager.newBaseManager()) {
                        NDArray array = file.load(name, manager);
                        assertArrayEquals(info.shape(), array.getShape().getShape(), path + " " + name);
                        assertEquals(info.dtype().toDjl(), array.getDataType(), path + " " + name);
                        assertEquals(info.byteSize(), array.size() * info.dtype().byteSize());
                    }
                    tensors++;
                }
            }
        }
        assertTrue(tensors > 4000, "expected thousands of tensors, loaded " + tensors);
    }

    @Test
    void unetShapesFollowItsConfig() throws IOException {
        Path unet = pack().resolve("sd15/diffusers/unet");
        JsonObject config = json(unet.resolve("config.json"));
        long first = config.getAsJsonArray("block_out_channels").get(0).getAsLong();
        long last = config.getAsJsonArray("block_out_channels").get(3).getAsLong();
        long in = config.get("in_channels").getAsLong();
        long cross = config.get("cross_attention_dim").getAsLong();
        try (SafetensorsFile file = SafetensorsFile.open(unet.resolve("diffusion_pytorch_model.safetensors"))) {
            assertArrayEquals(new long[] {first, in, 3, 3}, file.info("conv_in.weight").shape());
            assertArrayEquals(new long[] {in, first, 3, 3}, file.info("conv_out.weight").shape());
            assertArrayEquals(new long[] {first, cross},
                    file.info("down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight").shape());
            assertArrayEquals(new long[] {last}, file.info("mid_block.resnets.0.norm1.weight").shape());
        }
    }

    @Test
    void textEncoderShapesAndTokenIdsFollowItsConfig() throws IOException {
        JsonObject config = json(pack().resolve("sd15/diffusers/text_encoder/config.json"));
        long vocab = config.get("vocab_size").getAsLong();
        long hidden = config.get("hidden_size").getAsLong();
        long positions = config.get("max_position_embeddings").getAsLong();
        long bos = config.get("bos_token_id").getAsLong();
        long pad = config.get("pad_token_id").getAsLong();
        try (SafetensorsFile weights = SafetensorsFile.open(
                pack().resolve("sd15/diffusers/text_encoder/model.safetensors"))) {
            assertArrayEquals(new long[] {vocab, hidden},
                    weights.info("embeddings.token_embedding.weight").shape());
            assertArrayEquals(new long[] {positions, hidden},
                    weights.info("embeddings.position_embedding.weight").shape());
        }
        try (SafetensorsFile cases = SafetensorsFile.open(pack().resolve("sd15/cases/text_encoder.safetensors"));
                NDManager manager = NDManager.newBaseManager()) {
            long[] ids = cases.load("input_ids", manager).toLongArray();
            assertEquals(2 * positions, ids.length);
            for (int row = 0; row < 2; row++) {
                assertEquals(bos, ids[row * (int) positions], "prompt starts with BOS");
                assertEquals(pad, ids[(row + 1) * (int) positions - 1], "prompt is padded to the end");
            }
            assertTrue(allBelow(ids, vocab), "ids inside the vocabulary");
        }
    }

    private static boolean allBelow(long[] ids, long bound) {
        return java.util.Arrays.stream(ids).allMatch(id -> id >= 0 && id < bound);
    }

    @Test
    void ddimLeadingTimestepsAreTheArithmeticSpacing() {
        try (SafetensorsFile file = SafetensorsFile.open(pack().resolve("schedulers/ddim_leading_20.safetensors"));
                NDManager manager = NDManager.newBaseManager()) {
            JsonObject config = JsonParser.parseString(file.metadata().get("config")).getAsJsonObject();
            int train = config.get("num_train_timesteps").getAsInt();
            int offset = config.get("steps_offset").getAsInt();
            int steps = Integer.parseInt(file.metadata().get("steps"));
            // "leading" spacing: t_i = (steps-1-i) * (train/steps) + offset, i.e. 951, 901, ..., 1
            float[] expected = new float[steps];
            for (int i = 0; i < steps; i++) {
                expected[i] = (steps - 1 - i) * (train / steps) + offset;
            }
            assertArrayEquals(expected, file.load("timesteps", manager).toFloatArray());
            assertEquals(951f, expected[0]);
        }
    }
}
