package dev.tessera.models.dit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.dit.loading.FluxCheckpoint;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import dev.tessera.tensor.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The other shapes the same weights ship in: a sharded diffusers folder (as FLUX.1-dev's transformer is), a
 * pipeline folder, and a ComfyUI all-in-one single file (BFL keys under {@code model.diffusion_model.} beside other
 * components' tensors). Each computes exactly what the pack's diffusers folder computes.
 */
class LayoutVariantsTest {

    @TempDir
    Path temp;

    private NDManager manager;
    private Map<String, NDArray> c;
    private float[] reference;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
        c = Pack.fluxCase("transformer", manager);
        try (FluxCheckpoint checkpoint = Pack.open(Pack.Layout.DIFFUSERS, manager, DataType.FLOAT32)) {
            reference = checkpoint.transformer().forward(Pack.input(c)).toFloatArray();
        }
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private Map<String, NDArray> tensors(Path file) {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        try (SafetensorsFile opened = SafetensorsFile.open(file)) {
            for (String name : opened.names()) {
                tensors.put(name, opened.load(name, manager));
            }
        }
        return tensors;
    }

    private float[] run(FluxCheckpoint checkpoint) {
        try (checkpoint) {
            return checkpoint.transformer().forward(Pack.input(c)).toFloatArray();
        }
    }

    @Test
    void shardedDiffusersTransformerInAPipelineFolder() throws IOException {
        Path source = Pack.flux().resolve("diffusers/transformer");
        Path dir = Files.createDirectories(temp.resolve("pipeline/transformer"));
        Files.copy(source.resolve("config.json"), dir.resolve("config.json"));
        Map<String, NDArray> all = tensors(source.resolve("diffusion_pytorch_model.safetensors"));
        List<String> names = new ArrayList<>(all.keySet());
        Map<String, NDArray> first = new LinkedHashMap<>();
        Map<String, NDArray> second = new LinkedHashMap<>();
        StringBuilder index = new StringBuilder("{\"metadata\": {}, \"weight_map\": {");
        for (int i = 0; i < names.size(); i++) {
            boolean firstHalf = i < names.size() / 2;
            (firstHalf ? first : second).put(names.get(i), all.get(names.get(i)));
            index.append(i == 0 ? "" : ", ").append('"').append(names.get(i)).append("\": \"")
                    .append(firstHalf ? "shard-1.safetensors" : "shard-2.safetensors").append('"');
        }
        SafetensorsWriter.write(dir.resolve("shard-1.safetensors"), first, Map.of());
        SafetensorsWriter.write(dir.resolve("shard-2.safetensors"), second, Map.of());
        Files.writeString(dir.resolve("diffusion_pytorch_model.safetensors.index.json"), index.append("}}"));
        assertArrayEquals(reference, run(FluxCheckpoint.open(temp.resolve("pipeline"), null, DataType.FLOAT32,
                manager.newSubManager())));
    }

    @Test
    void comfyAllInOneSingleFile() {
        Map<String, NDArray> bfl = tensors(Pack.singleFile());
        Map<String, NDArray> allInOne = new LinkedHashMap<>();
        bfl.forEach((name, tensor) -> allInOne.put(FluxCheckpoint.COMFY_PREFIX + name, tensor));
        allInOne.put("vae.decoder.conv_in.weight", manager.zeros(new Shape(4, 4)));
        allInOne.put("text_encoders.t5xxl.encoder.final_layer_norm.weight", manager.ones(new Shape(4)));
        Path file = temp.resolve("flux-aio.safetensors");
        SafetensorsWriter.write(file, allInOne, Map.of());
        assertTrue(FluxCheckpoint.isFlux(allInOne.keySet()));
        assertFalse(FluxCheckpoint.isFlux(java.util.Set.of("model.diffusion_model.input_blocks.0.0.weight")));
        assertArrayEquals(reference, run(FluxCheckpoint.openSingleFile(file,
                Pack.flux().resolve("single-file/tiny-flux.arch.json"), DataType.FLOAT32, manager.newSubManager())));
    }
}
