package dev.tessera.sd.nodes.internal.nodes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.diffusion.nodes.internal.ComfySampling;
import dev.tessera.diffusion.nodes.internal.nodes.KSamplerAdvancedNode;
import dev.tessera.diffusion.nodes.internal.nodes.KSamplerNode;
import dev.tessera.diffusion.nodes.internal.nodes.SetLatentNoiseMaskNode;
import dev.tessera.graph.api.InterruptedExecutionException;
import dev.tessera.model.api.Latent;
import dev.tessera.sampling.NoiseSchedule;
import dev.tessera.sampling.Schedule;
import dev.tessera.sampling.comfy.ComfySchedulers;
import dev.tessera.testing.ConformancePack;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.RunScope;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** KSampler and KSamplerAdvanced: ComfyUI's cuts of the schedule, noise, progress, interrupt, memory. */
class KSamplerTest {

    @TempDir
    Path home;
    private Graph graph;
    private BadInputTest.Loaded loaded;
    private RunScope scope;

    @BeforeEach
    void setUp() {
        Path models = ConformancePack.tinySd15Models(home);
        graph = new Graph(home, models);
        loaded = new BadInputTest.Loaded(graph.cache, models, graph.runtime);
        scope = new RunScope();
    }

    @AfterEach
    void tearDown() throws Exception {
        scope.close();
        loaded.close();
        graph.close();
    }

    private Latent simple(MapInputs inputs) {
        return (Latent) new KSamplerNode(graph.runtime).execute(inputs, new RecordingContext(scope)).value(0);
    }

    private Latent advanced(MapInputs base, String addNoise, long start, long end, String leftover, Latent from) {
        MapInputs in = base.with("add_noise", addNoise).with("noise_seed", 42L).with("start_at_step", start)
                .with("end_at_step", end).with("return_with_leftover_noise", leftover).with("latent_image", from);
        return (Latent) new KSamplerAdvancedNode(graph.runtime).execute(in, new RecordingContext(scope)).value(0);
    }

    @Test
    void twoAdvancedSamplersSplittingTheStepsEqualOneSampler() {
        // Exact for single-step samplers, in the variance-exploding (Euler) and variance-preserving (DDIM) spaces:
        // the first returns its leftover noise in ComfyUI's x0 + sigma * n form, the second continues from it.
        for (String sampler : new String[] {"euler", "ddim"}) {
            float[] whole = simple(loaded.samplerInputs(loaded.model).with("sampler_name", sampler)).samples()
                    .toFloatArray();
            Latent half = advanced(loaded.samplerInputs(loaded.model).with("sampler_name", sampler), "enable", 0, 4,
                    "enable", loaded.empty);
            Latent rest = advanced(loaded.samplerInputs(loaded.model).with("sampler_name", sampler), "disable", 4,
                    10000, "disable", half);
            float[] split = rest.samples().toFloatArray();
            double worst = 0;
            for (int i = 0; i < whole.length; i++) {
                worst = Math.max(worst, Math.abs(whole[i] - split[i]));
            }
            assertTrue(worst < 1e-4, sampler + ": largest difference " + worst);
        }
    }

    private static final ai.djl.ndarray.types.Shape SD_LATENT = new ai.djl.ndarray.types.Shape(1, 4, 8, 8);

    @Test
    void theScheduleIsCutAsComfyUiCutsItsSigmas() {
        NoiseSchedule training = NoiseSchedule.stableDiffusion();
        Schedule full = ComfySchedulers.named("normal", training, 10);
        ComfySampling.Request cut = new ComfySampling.Request(loaded.model, 0, true, 10, 7.5, "euler", "normal",
                loaded.positive, loaded.negative, 1.0, 3, 7, true);
        Schedule s = ComfySampling.schedule(cut, SD_LATENT);
        // sigmas[:8] with the last set to 0, then [3:]
        double[] sigmas = Arrays.copyOf(full.sigmas(), 8);
        sigmas[7] = 0;
        assertArrayEquals(Arrays.copyOfRange(sigmas, 3, 8), s.sigmas());
        assertArrayEquals(Arrays.copyOfRange(full.timesteps(), 3, 7), s.timesteps());
        assertTrue(!s.inflatedInitialNoise());
        ComfySampling.Request leftover = new ComfySampling.Request(loaded.model, 0, true, 10, 7.5, "euler", "normal",
                loaded.positive, loaded.negative, 1.0, 0, 7, false);
        assertEquals(full.sigma(7), ComfySampling.schedule(leftover, SD_LATENT).sigma(7));
        assertTrue(ComfySampling.schedule(leftover, SD_LATENT).inflatedInitialNoise());
        assertNull(ComfySampling.schedule(new ComfySampling.Request(loaded.model, 0, true, 10, 7.5, "euler",
                "normal", loaded.positive, loaded.negative, 1.0, 7, 7, true), SD_LATENT), "start at the end: nothing runs");
        assertNull(ComfySampling.schedule(ComfySampling.Request.simple(loaded.model, 0, 10, 7.5, "euler", "normal",
                loaded.positive, loaded.negative, 0.0), SD_LATENT), "denoise 0: nothing runs");
    }

    /** A latent of seeded values [1, 4, 8, 8] carrying the pixel mask {@code [1, 64, 64]} filled by {@code fill}. */
    private Latent masked(java.util.function.IntBinaryOperator fill) {
        NDManager m = graph.runtime.newManager("inpaint");
        float[] pixels = new float[64 * 64];
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                pixels[y * 64 + x] = fill.applyAsInt(x, y);
            }
        }
        dev.tessera.image.MaskBatch mask = dev.tessera.image.MaskBatch.owning(m, m.create(pixels, new Shape(1, 64, 64)));
        NDManager lm = graph.runtime.newManager("latent");
        lm.getEngine().setRandomSeed(3);
        Latent latent = Latent.owning(lm, lm.randomNormal(new Shape(1, 4, 8, 8)), null, null);
        try {
            return (Latent) new SetLatentNoiseMaskNode(graph.runtime).execute(new MapInputs().with("samples", latent)
                    .with("mask", mask), new RecordingContext(scope)).value(0);
        } finally {
            latent.close();
            mask.close();
            // The mask was made from Java data: its buffer goes with it. Collect, and reuse freed memory, so that a
            // latent still pointing at it would read garbage.
            scribble();
        }
    }

    private void scribble() {
        NDManager junk = graph.runtime.newManager("junk");
        for (int round = 0; round < 3; round++) {
            System.gc();
            for (int i = 0; i < 50; i++) {
                junk.full(new Shape(64 * 64), Float.NaN);
                java.nio.ByteBuffer.allocateDirect(64 * 64 * 4);
            }
        }
        junk.close();
    }

    private static double[] toDoubles(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    private static double maxDiff(float[] a, float[] b, int fromColumn, int toColumn) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            int column = i % 8;
            if (column >= fromColumn && column < toColumn) {
                worst = Math.max(worst, Math.abs(a[i] - b[i]));
            }
        }
        return worst;
    }

    /**
     * Inpainting (SetLatentNoiseMask): where the mask is 0 every sampler returns the latent it was given; where it is
     * 1 it samples; a mask of ones samples as no mask does. The mask's left half at 64 px is latent columns 0-3.
     */
    @Test
    void aNoiseMaskKeepsTheLatentWhereItIsZero() {
        try (Latent half = masked((x, y) -> x < 32 ? 1 : 0); Latent none = masked((x, y) -> 0);
                Latent all = masked((x, y) -> 1)) {
            float[] original = half.samples().toFloatArray();
            for (String sampler : new String[] {"euler", "ddim", "dpmpp_2m", "uni_pc"}) {
                MapInputs in = loaded.samplerInputs(loaded.model).with("sampler_name", sampler).with("steps", 6L);
                float[] kept = simple(in.with("latent_image", none)).samples().toFloatArray();
                assertTrue(maxDiff(kept, original, 0, 8) < 1e-4, sampler + ": a zero mask keeps the latent, off by "
                        + maxDiff(kept, original, 0, 8));
                Latent out = simple(in.with("latent_image", half));
                assertTrue(out.noiseMask().isPresent(), "the result keeps the mask, as in ComfyUI");
                float[] halved = out.samples().toFloatArray();
                assertTrue(maxDiff(halved, original, 4, 8) < 1e-4, sampler + ": the right half is kept, off by "
                        + maxDiff(halved, original, 4, 8));
                assertTrue(maxDiff(halved, original, 0, 4) > 0.1, sampler + ": the left half is sampled");
            }
            MapInputs in = loaded.samplerInputs(loaded.model).with("steps", 6L);
            float[] unmasked = simple(in.with("latent_image", Latent.owning(graph.runtime.newManager("copy"),
                    all.samples().duplicate(), null, null))).samples().toFloatArray();
            float[] ones = simple(in.with("latent_image", all)).samples().toFloatArray();
            // The same arithmetic up to float rounding (model output -> x0 -> model output at sigma up to 14.6).
            double relative = dev.tessera.testing.Closeness.relativeError(toDoubles(ones), toDoubles(unmasked));
            assertTrue(relative < 1e-5, "a mask of ones samples as no mask, relative L2 " + relative);
        }
    }

    @Test
    void denoiseZeroReturnsTheLatentAndLowDenoiseStaysNearIt() {
        NDManager m = graph.runtime.newManager("img");
        Latent image = Latent.owning(m, m.randomNormal(new Shape(1, 4, 8, 8)), null, null);
        Latent same = simple(loaded.samplerInputs(loaded.model).with("latent_image", image).with("denoise", 0.0));
        assertArrayEquals(image.samples().toFloatArray(), same.samples().toFloatArray());
        Latent little = simple(loaded.samplerInputs(loaded.model).with("latent_image", image).with("denoise", 0.1));
        Latent much = simple(loaded.samplerInputs(loaded.model).with("latent_image", image).with("denoise", 1.0));
        double near = little.samples().sub(image.samples()).norm().getFloat();
        double far = much.samples().sub(image.samples()).norm().getFloat();
        assertTrue(near < far, "denoise 0.1 stays closer to the input (" + near + ") than denoise 1 (" + far + ")");
        image.close();
    }

    @Test
    void progressIsReportedEveryStepAndAnInterruptStopsTheRun() {
        RecordingContext context = new RecordingContext(scope);
        new KSamplerNode(graph.runtime).execute(loaded.samplerInputs(loaded.model).with("steps", 4L), context);
        assertEquals(4, context.progress().size());
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(new long[] {i + 1, 4}, context.progress().get(i));
        }
        RecordingContext stopping = new RecordingContext(scope).interruptedAfter(3);
        assertThrows(InterruptedExecutionException.class,
                () -> new KSamplerNode(graph.runtime).execute(loaded.samplerInputs(loaded.model), stopping));
        assertEquals(3, stopping.progress().size(), "stopped after the third step");
    }

    @Test
    void theSameSeedGivesTheSameLatentAndAnotherSeedAnother() {
        float[] a = simple(loaded.samplerInputs(loaded.model).with("steps", 3L)).samples().toFloatArray();
        float[] b = simple(loaded.samplerInputs(loaded.model).with("steps", 3L)).samples().toFloatArray();
        float[] c = simple(loaded.samplerInputs(loaded.model).with("steps", 3L).with("seed", 43L)).samples()
                .toFloatArray();
        assertArrayEquals(a, b);
        assertTrue(!Arrays.equals(a, c));
    }

    @Test
    void manyRunsLeaveNoTensorBehind() {
        NDManager run = graph.runtime.runManager(scope);
        int before = -1;
        for (int i = 0; i < 12; i++) {
            try (Latent out = simple(loaded.samplerInputs(loaded.model).with("steps", 2L)
                    .with("sampler_name", i % 2 == 0 ? "dpmpp_2m" : "euler_ancestral"))) {
                assertEquals(new Shape(1, 4, 8, 8), out.samples().getShape());
            }
            assertEquals(0, run.getManagedArrays().size(), "run temporaries are freed after each execution");
            int now = graph.runtime.base().getManagedArrays().size();
            if (i == 2) {
                before = now;
            } else if (i > 2) {
                assertEquals(before, now, "the number of live managers and arrays stays flat");
            }
        }
    }
}
