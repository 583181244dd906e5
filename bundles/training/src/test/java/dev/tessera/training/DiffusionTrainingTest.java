package dev.tessera.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tessera.layout.Layout;
import dev.tessera.models.sd.AutoencoderKLConfig;
import dev.tessera.models.sd.CLIPTextConfig;
import dev.tessera.models.sd.UNet2DConditionConfig;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainers on a tiny configuration: the loss goes down, and a run resumed from a checkpoint is the same run. */
class DiffusionTrainingTest {

    static final UNet2DConditionConfig UNET = new UNet2DConditionConfig(4, 4, List.of(16, 32), List.of(true, true), 1,
            List.of(2, 2), List.of(1, 1), 16, 8, 1e-5f, true, 0, false, 1, 1f, true);
    static final CLIPTextConfig TEXT = new CLIPTextConfig(40, 16, 32, 1, 2, 8, "quick_gelu", 1e-5f, 2);
    static final AutoencoderKLConfig VAE = new AutoencoderKLConfig(3, 3, 4, List.of(8, 8), 1, 4, 1f, true, true,
            true);

    static TrainingData data;

    @BeforeAll
    static void images() {
        List<BufferedImage> images = new ArrayList<>();
        List<Layout> layouts = new ArrayList<>();
        List<String> names = new ArrayList<>();
        Color[] colours = {Color.RED, Color.BLUE, Color.GREEN, Color.YELLOW};
        for (int i = 0; i < 16; i++) {
            BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, 16, 16);
            g.setColor(colours[i % 4]);
            g.fillRect(i % 8, i / 2, 6, 6);
            g.dispose();
            images.add(image);
            layouts.add(Layout.builder("shape " + i % 4).build());
            names.add("entry " + i);
        }
        data = TrainingData.of(images, layouts, names);
    }

    static List<long[]> tokens() {
        List<long[]> tokens = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            tokens.add(new long[] {38, 1 + i % 4, 39, 39, 39, 39, 39, 39});
        }
        return tokens;
    }

    static DiffusionTraining.Options options(long steps) {
        return new DiffusionTraining.Options(UNET, TEXT, 4, steps, 2e-3, 2, 3, 0.1, 5, 0, 7);
    }

    @Test
    void autoencoderAndDiffusionLossesFall(@TempDir Path dir) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            AutoencoderTraining.Options vae = new AutoencoderTraining.Options(VAE, 8, 40, 3e-3, 2, 20, 1e-4, 3);
            TrainableParameters trained = AutoencoderTraining.train(vae, data, dir.resolve("vae"), manager,
                    TrainingProgress.silent(), () -> false);
            assertNotNull(trained);
            assertFalling(dir.resolve("vae/loss.csv"), 40);
            assertTrue(Files.size(dir.resolve("vae/loss.png")) > 0);

            LatentCache latents = LatentCache.encode(new dev.tessera.models.sd.AutoencoderKL(VAE, trained,
                    ai.djl.ndarray.types.DataType.FLOAT32), data, 5, manager);
            assertTrue(latents.measuredScaling() > 0 && Float.isFinite(latents.measuredScaling()));
            latents = latents.withScaling(latents.measuredScaling());
            DiffusionTraining.Result result = DiffusionTraining.train(options(60), latents, tokens(),
                    new long[] {38, 39, 39, 39, 39, 39, 39, 39}, dir.resolve("diffusion"), manager,
                    TrainingProgress.silent(), () -> false);
            assertNotNull(result);
            assertFalling(dir.resolve("diffusion/loss.csv"), 60);
        }
    }

    /** The mean loss of the last fifth of the run is below that of the first fifth. */
    private static void assertFalling(Path csv, int steps) throws Exception {
        List<String> rows = Files.readAllLines(csv);
        assertEquals(steps + 1, rows.size(), "one row per step plus the header");
        double first = 0;
        double last = 0;
        int fifth = steps / 5;
        for (int i = 0; i < fifth; i++) {
            first += Double.parseDouble(rows.get(1 + i).split(",")[1]);
            last += Double.parseDouble(rows.get(steps - i).split(",")[1]);
        }
        assertTrue(last < 0.8 * first, "loss from " + first / fifth + " to " + last / fifth);
    }

    @Test
    void aResumedRunEqualsAnUninterruptedOne(@TempDir Path dir) {
        try (NDManager manager = NDManager.newBaseManager()) {
            LatentCache latents = LatentCache.encode(new dev.tessera.models.sd.AutoencoderKL(VAE,
                    new TrainableParameters(manager.newSubManager(), 1).frozen(), ai.djl.ndarray.types.DataType.FLOAT32),
                    data, 16, manager);
            long[] empty = {38, 39, 39, 39, 39, 39, 39, 39};
            DiffusionTraining.Result straight = DiffusionTraining.train(options(8), latents, tokens(), empty,
                    dir.resolve("straight"), manager, TrainingProgress.silent(), () -> false);

            // Stopped before step 5 (after the checkpoint of step 3 and two more steps), then resumed.
            AtomicInteger calls = new AtomicInteger();
            assertNull(DiffusionTraining.train(options(8), latents, tokens(), empty, dir.resolve("cut"), manager,
                    TrainingProgress.silent(), () -> calls.incrementAndGet() > 5));
            DiffusionTraining.Result resumed = DiffusionTraining.train(options(8), latents, tokens(), empty,
                    dir.resolve("cut"), manager, TrainingProgress.silent(), () -> false);
            assertNotNull(resumed);
            for (Map.Entry<String, NDArray> e : straight.unet().entrySet()) {
                assertArrayEquals(e.getValue().toFloatArray(), resumed.unet().get(e.getKey()).toFloatArray(),
                        e.getKey());
            }
            for (Map.Entry<String, NDArray> e : straight.text().entrySet()) {
                assertArrayEquals(e.getValue().toFloatArray(), resumed.text().get(e.getKey()).toFloatArray(),
                        e.getKey());
            }
        }
    }
}
