package dev.tessera.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.miglora.Fusion;
import dev.tessera.miglora.MaskEncoder;
import dev.tessera.models.sd.AutoencoderKLConfig;
import dev.tessera.models.sd.UNet2DConditionConfig;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import dev.tessera.shapes.SceneConfig;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole recipe on a tiny plan: every stage runs, and what it exports loads as a user's files do. */
class ShapesRecipeTest {

    static ShapesRecipe.Plan tiny() {
        AutoencoderKLConfig vae = new AutoencoderKLConfig(3, 3, 4, List.of(8, 8, 8, 8), 1, 4, 1f, true, true, true);
        UNet2DConditionConfig unet = new UNet2DConditionConfig(4, 4, List.of(16, 32), List.of(true, true), 1,
                List.of(2, 2), List.of(1, 1), 16, 8, 1e-5f, true, 0, false, 1, 1f, true);
        return new ShapesRecipe.Plan(12, SceneConfig.defaults(), vae,
                new AutoencoderTraining.Options(vae, 4, 3, 1e-3, 1, 2, 1e-5, 5), unet, 16, 1,
                new DiffusionTraining.Options(unet, null, 4, 3, 1e-3, 1, 2, 0.1, 5, 0.99, 5),
                new MigLoraTraining.Options(2, 2, 1e-3, 3, 2, Fusion.AVG, 1, 2, List.of(4, 4, 4, 4), 0.1, 6, 5, 5), 5);
    }

    @Test
    void everyStageRunsAndTheExportsLoad(@TempDir Path dir) throws Exception {
        Path export = dir.resolve("models");
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            assertTrue(ShapesRecipe.run(tiny(), dir.resolve("work"), export, manager, TrainingProgress.silent(),
                    () -> false));
            Path checkpoint = export.resolve("checkpoints").resolve(ShapesRecipe.CHECKPOINT);
            assertTrue(Files.isRegularFile(export.resolve("checkpoints/shapes-sd15.tokenizer/tokenizer.json")));
            try (StableDiffusionCheckpoint opened = StableDiffusionCheckpoint.open(checkpoint, Device.cpu(),
                    DataType.FLOAT32, manager)) {
                assertEquals(tiny().unet(), opened.unetConfig());
                assertEquals(16, opened.textEncoderConfig().hiddenSize());
                assertTrue(opened.vaeConfig().scalingFactor() != 1f, "the measured scaling factor is stated");
            }
            Path encoderFile = export.resolve("miglora").resolve(ShapesRecipe.ENCODER);
            MaskEncoder encoder = MaskEncoder.read(encoderFile, manager);
            assertEquals(MaskEncoder.Injection.ADD, encoder.injection());
            assertEquals(16, encoder.embeddingChannels());
            try (SafetensorsFile lora = SafetensorsFile.open(export.resolve("loras").resolve(ShapesRecipe.LORA))) {
                assertTrue(lora.names().stream().allMatch(n -> n.startsWith("unet.") && n.contains(".lora_")));
                assertEquals("6", lora.metadata().get("miglora.max_instances"));
                assertFalse(lora.names().isEmpty());
            }
            // A second run finds every stage at its last step and exports the same bytes again.
            byte[] encoderBytes = Files.readAllBytes(encoderFile);
            byte[] checkpointBytes = Files.readAllBytes(checkpoint);
            assertTrue(ShapesRecipe.run(tiny(), dir.resolve("work"), export, manager, TrainingProgress.silent(),
                    () -> false));
            assertArrayEquals(encoderBytes, Files.readAllBytes(encoderFile));
            assertArrayEquals(checkpointBytes, Files.readAllBytes(checkpoint));
        }
    }
}
