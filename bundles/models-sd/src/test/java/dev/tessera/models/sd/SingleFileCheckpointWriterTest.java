package dev.tessera.models.sd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.ParameterSpecs;
import dev.tessera.models.core.Weights;
import dev.tessera.models.sd.loading.SingleFileCheckpointWriter;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model written by {@link SingleFileCheckpointWriter} opens as an original single-file checkpoint with the same
 * configurations and every parameter bit for bit: the pack's diffusers-folder model (whose names the writer converts)
 * is written and read back, and its components compared with the pack's own single file of the same weights.
 */
class SingleFileCheckpointWriterTest {

    @Test
    void theDiffusersModelWrittenAsASingleFileReadsBackExactly(@TempDir Path dir) throws Exception {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
                StableDiffusionCheckpoint source = Pack.open(Pack.Layout.DIFFUSERS, manager, DataType.FLOAT32)) {
            Map<String, NDArray> unet = read(source.unetWeights(), source.unetConfig(), manager);
            Map<String, NDArray> vae = readVae(source, manager);
            Map<String, NDArray> text = read(source.textEncoderWeights(), source.textEncoderConfig(), manager);
            Path file = dir.resolve("written.safetensors");
            SingleFileCheckpointWriter.write(file, source.unetConfig(), unet, source.vaeConfig(), vae,
                    source.textEncoderConfig(), text, DataType.FLOAT32, Map.of("note", "test"));
            assertTrue(Files.exists(dir.resolve("written.arch.json")));

            try (StableDiffusionCheckpoint written = StableDiffusionCheckpoint.open(file, Device.cpu(),
                    DataType.FLOAT32, manager);
                    StableDiffusionCheckpoint original = Pack.open(Pack.Layout.SINGLE_FILE, manager,
                            DataType.FLOAT32)) {
                assertEquals(original.unetConfig(), written.unetConfig());
                assertEquals(original.vaeConfig(), written.vaeConfig());
                assertEquals(original.textEncoderConfig().hiddenSize(), written.textEncoderConfig().hiddenSize());
                assertEquals(original.textEncoderConfig().numAttentionHeads(),
                        written.textEncoderConfig().numAttentionHeads());
                compare(original.unetWeights(), written.unetWeights(), original.unetConfig(), manager);
                compare(original.textEncoderWeights(), written.textEncoderWeights(),
                        original.textEncoderConfig(), manager);
                NDArray latent = manager.randomNormal(new Shape(1, original.vaeConfig().latentChannels(), 4, 4));
                assertArrayEquals(original.vae().decode(latent).toFloatArray(),
                        written.vae().decode(latent).toFloatArray());
            }
        }
    }

    private static Map<String, NDArray> read(Weights weights, Object config, NDManager manager) {
        Map<String, Shape> specs = specs(config);
        Map<String, NDArray> out = new LinkedHashMap<>();
        specs.forEach((name, shape) -> out.put(name, weights.get(name, shape)));
        return out;
    }

    private static Map<String, NDArray> readVae(StableDiffusionCheckpoint source, NDManager manager) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        ParameterSpecs.of(w -> new AutoencoderKL(source.vaeConfig(), w, DataType.FLOAT32))
                .forEach((name, shape) -> out.put(name, source.vaeWeights().get(name, shape)));
        return out;
    }

    private static Map<String, Shape> specs(Object config) {
        if (config instanceof UNet2DConditionConfig c) {
            return ParameterSpecs.of(w -> new UNet2DConditionModel(c, w, DataType.FLOAT32));
        }
        CLIPTextConfig c = (CLIPTextConfig) config;
        return ParameterSpecs.of(w -> new CLIPTextModel(c, w, DataType.FLOAT32));
    }

    private static void compare(Weights expected, Weights actual, Object config, NDManager manager) {
        specs(config).forEach((name, shape) -> assertArrayEquals(expected.get(name, shape).toFloatArray(),
                actual.get(name, shape).toFloatArray(), name));
    }
}
