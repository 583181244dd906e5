package dev.tessera.models.sd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints stored in bfloat16 (common for recent fine-tunes) load: the safetensors reader widens them to float32
 * in Java, so DJL never sees a bfloat16 tensor, and the model then runs in its compute dtype.
 */
class Bf16CheckpointTest {

    @Test
    void aBfloat16SingleFileCheckpointLoadsAndStaysCloseToTheReference(@TempDir Path dir) throws IOException {
        Path bf16 = dir.resolve("tiny-sd15-bf16.safetensors");
        writeAsBf16(Pack.singleFile(), bf16);
        Files.copy(Pack.sd15().resolve("single-file/tiny-sd15.arch.json"), dir.resolve("tiny-sd15-bf16.arch.json"));
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> reference = Pack.sd15Case("text_encoder", manager);
            try (StableDiffusionCheckpoint checkpoint = StableDiffusionCheckpoint.open(bf16, Device.cpu(),
                    DataType.FLOAT32, manager)) {
                NDArray out = checkpoint.textEncoder().forward(reference.get("input_ids")).lastHiddenState();
                double err = Pack.relativeError(out, reference.get("last_hidden_state"));
                System.out.printf("text encoder from bf16 weights: rel err %.2e%n", err);
                // bfloat16 keeps 8 bits of mantissa: weights move by up to 0.4%, so outputs move by about that much.
                assertTrue(err < 3e-2, "relative error " + err);
                assertTrue(err > 1e-6, "weights were not actually rounded to bfloat16: " + err);
            }
        }
    }

    /** Rewrites every F32 tensor of {@code source} as BF16 (round to nearest even), other tensors unchanged. */
    private static void writeAsBf16(Path source, Path target) throws IOException {
        byte[] all = Files.readAllBytes(source);
        ByteBuffer in = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = (int) in.getLong(0);
        JsonObject header = JsonParser.parseString(new String(all, 8, headerLength, StandardCharsets.UTF_8))
                .getAsJsonObject();
        int dataStart = 8 + headerLength;
        Map<String, byte[]> data = new LinkedHashMap<>();
        JsonObject out = new JsonObject();
        for (String name : header.keySet()) {
            if (name.equals("__metadata__")) {
                out.add(name, header.get(name));
                continue;
            }
            JsonObject info = header.getAsJsonObject(name).deepCopy();
            int begin = info.getAsJsonArray("data_offsets").get(0).getAsInt();
            int end = info.getAsJsonArray("data_offsets").get(1).getAsInt();
            byte[] bytes;
            if (info.get("dtype").getAsString().equals("F32")) {
                bytes = new byte[(end - begin) / 2];
                ByteBuffer half = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = dataStart + begin; i < dataStart + end; i += 4) {
                    int bits = in.getInt(i);
                    int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
                    half.putShort((short) (rounded >>> 16));
                }
                info.addProperty("dtype", "BF16");
            } else {
                bytes = java.util.Arrays.copyOfRange(all, dataStart + begin, dataStart + end);
            }
            data.put(name, bytes);
            out.add(name, info);
        }
        long offset = 0;
        for (Map.Entry<String, byte[]> e : data.entrySet()) {
            JsonObject info = out.getAsJsonObject(e.getKey());
            info.remove("data_offsets");
            com.google.gson.JsonArray offsets = new com.google.gson.JsonArray();
            offsets.add(offset);
            offsets.add(offset + e.getValue().length);
            info.add("data_offsets", offsets);
            offset += e.getValue().length;
        }
        byte[] headerBytes = out.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer file = ByteBuffer.allocate(8 + headerBytes.length + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(headerBytes.length).put(headerBytes);
        data.values().forEach(file::put);
        Files.write(target, file.array());
    }
}
