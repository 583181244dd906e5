package dev.tessera.sd.nodes.internal.nodes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.diffusion.nodes.internal.nodes.BasicGuiderNode;
import dev.tessera.diffusion.nodes.internal.nodes.BasicSchedulerNode;
import dev.tessera.diffusion.nodes.internal.nodes.CFGGuiderNode;
import dev.tessera.diffusion.nodes.internal.nodes.DisableNoiseNode;
import dev.tessera.diffusion.nodes.internal.nodes.KSamplerNode;
import dev.tessera.diffusion.nodes.internal.nodes.KSamplerSelectNode;
import dev.tessera.diffusion.nodes.internal.nodes.RandomNoiseNode;
import dev.tessera.diffusion.nodes.internal.nodes.SamplerCustomAdvancedNode;
import dev.tessera.diffusion.nodes.internal.nodes.SamplerCustomNode;
import dev.tessera.diffusion.nodes.internal.nodes.SplitSigmasNode;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.engine.RunResult;
import dev.tessera.graph.engine.ValidationProblem;
import dev.tessera.model.api.Latent;
import dev.tessera.testing.ConformancePack;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.RunScope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ComfyUI's custom-sampling family (SamplerCustomAdvanced, SamplerCustom, KSamplerSelect, BasicScheduler,
 * RandomNoise, DisableNoise, BasicGuider, CFGGuider, SplitSigmas) on the tiny SD1.5 checkpoint: the same latent as
 * KSampler for the same seed, sampler, scheduler, steps, cfg and denoise; bad input named by node and input.
 */
class CustomSamplingTest {

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

    private RecordingContext context() {
        return new RecordingContext(scope);
    }

    private float[] ksampler(String sampler, String scheduler, long steps, double cfg, double denoise, Latent from) {
        MapInputs in = loaded.samplerInputs(loaded.model).with("sampler_name", sampler).with("scheduler", scheduler)
                .with("steps", steps).with("cfg", cfg).with("denoise", denoise).with("latent_image", from);
        return ((Latent) new KSamplerNode(graph.runtime).execute(in, context()).value(0)).samples().toFloatArray();
    }

    private Object value(NodeResult result) {
        return result.value(0);
    }

    private Object sampler(String name) {
        return value(new KSamplerSelectNode().execute(new MapInputs().with("sampler_name", name), context()));
    }

    private Object sigmas(String scheduler, long steps, double denoise) {
        return value(new BasicSchedulerNode().execute(new MapInputs().with("model", loaded.model)
                .with("scheduler", scheduler).with("steps", steps).with("denoise", denoise), context()));
    }

    private Object noise(long seed) {
        return value(new RandomNoiseNode().execute(new MapInputs().with("noise_seed", seed), context()));
    }

    private Object cfgGuider(double cfg) {
        return value(new CFGGuiderNode().execute(new MapInputs().with("model", loaded.model)
                .with("positive", loaded.positive).with("negative", loaded.negative).with("cfg", cfg), context()));
    }

    private Object basicGuider() {
        return value(new BasicGuiderNode().execute(new MapInputs().with("model", loaded.model)
                .with("conditioning", loaded.positive), context()));
    }

    private NodeResult advanced(Object noise, Object guider, Object sampler, Object sigmas, Latent from) {
        return new SamplerCustomAdvancedNode(graph.runtime).execute(new MapInputs().with("noise", noise)
                .with("guider", guider).with("sampler", sampler).with("sigmas", sigmas).with("latent_image", from),
                context());
    }

    private static float[] samples(NodeResult result, int output) {
        return ((Latent) result.value(output)).samples().toFloatArray();
    }

    /** A latent of seeded values, as VAEEncode would give for image-to-image. */
    private Latent image() {
        NDManager m = graph.runtime.newManager("image latent");
        m.getEngine().setRandomSeed(5);
        return Latent.owning(m, m.randomNormal(new Shape(1, 4, 8, 8)), null, null);
    }

    @Test
    void cfgGuiderWithRandomNoiseEqualsKSamplerBitForBit() {
        for (String[] pair : new String[][] {{"euler", "normal"}, {"dpmpp_2m", "karras"},
                {"euler_ancestral", "simple"}, {"uni_pc", "sgm_uniform"}}) {
            float[] expected = ksampler(pair[0], pair[1], 6, 7.5, 1.0, loaded.empty);
            NodeResult out = advanced(noise(42), cfgGuider(7.5), sampler(pair[0]), sigmas(pair[1], 6, 1.0),
                    loaded.empty);
            assertArrayEquals(expected, samples(out, 0), pair[0] + "/" + pair[1]);
        }
        float[] otherSeed = samples(advanced(noise(43), cfgGuider(7.5), sampler("euler"), sigmas("normal", 6, 1.0),
                loaded.empty), 0);
        assertNotEquals(ksampler("euler", "normal", 6, 7.5, 1.0, loaded.empty)[0], otherSeed[0],
                "another noise_seed gives another latent");
    }

    @Test
    void basicGuiderEqualsKSamplerAtCfg1() {
        float[] expected = ksampler("dpmpp_2m", "normal", 5, 1.0, 1.0, loaded.empty);
        assertArrayEquals(expected, samples(advanced(noise(42), basicGuider(), sampler("dpmpp_2m"),
                sigmas("normal", 5, 1.0), loaded.empty), 0));
        assertNotEquals(ksampler("dpmpp_2m", "normal", 5, 7.5, 1.0, loaded.empty)[0], expected[0],
                "cfg matters, so the equality above says something");
    }

    @Test
    void basicSchedulerDenoiseMatchesKSamplerDenoise() {
        try (Latent from = image()) {
            for (double denoise : new double[] {0.6, 0.35}) {
                float[] expected = ksampler("euler", "karras", 8, 5.0, denoise, from);
                assertArrayEquals(expected, samples(advanced(noise(42), cfgGuider(5.0), sampler("euler"),
                        sigmas("karras", 8, denoise), from), 0), "denoise " + denoise);
            }
            // denoise 0: no step runs and both outputs are the latent itself
            NodeResult none = advanced(noise(42), cfgGuider(5.0), sampler("euler"), sigmas("karras", 8, 0.0), from);
            assertArrayEquals(from.samples().toFloatArray(), samples(none, 0));
            assertSame(none.value(0), none.value(1));
        }
    }

    @Test
    void samplerCustomEqualsKSampler() {
        float[] expected = ksampler("ddim", "normal", 6, 6.0, 1.0, loaded.empty);
        NodeResult out = new SamplerCustomNode(graph.runtime).execute(new MapInputs().with("model", loaded.model)
                .with("add_noise", true).with("noise_seed", 42L).with("cfg", 6.0).with("positive", loaded.positive)
                .with("negative", loaded.negative).with("sampler", sampler("ddim"))
                .with("sigmas", sigmas("normal", 6, 1.0)).with("latent_image", loaded.empty), context());
        assertArrayEquals(expected, samples(out, 0));
    }

    @Test
    void splitSigmasWithDisableNoiseContinuesWhereTheFirstSamplerStopped() {
        Object all = sigmas("normal", 8, 1.0);
        NodeResult split = new SplitSigmasNode().execute(new MapInputs().with("sigmas", all).with("step", 3L),
                context());
        NodeResult high = advanced(noise(42), cfgGuider(7.5), sampler("euler"), split.value(0), loaded.empty);
        Object zeros = value(new DisableNoiseNode().execute(new MapInputs(), context()));
        NodeResult low = advanced(zeros, cfgGuider(7.5), sampler("euler"), split.value(1), (Latent) high.value(0));
        float[] whole = samples(advanced(noise(42), cfgGuider(7.5), sampler("euler"), all, loaded.empty), 0);
        assertTrue(maxDiff(whole, samples(low, 0)) < 1e-4, "split runs differ by " + maxDiff(whole, samples(low, 0)));
        // Stopped at a sigma above 0, the output is still noisy and its clean estimate is not; at sigma 0 Euler's
        // last step lands on the estimate.
        assertTrue(maxDiff(samples(high, 0), samples(high, 1)) > 0.1, "the first part returns leftover noise");
        assertTrue(maxDiff(samples(low, 0), samples(low, 1)) < 1e-4, "Euler's last step ends on its estimate");
    }

    private static double maxDiff(float[] a, float[] b) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }

    /** Type ids, display names, categories, inputs and outputs as comfy_extras/nodes_custom_sampler.py declares them. */
    @Test
    void descriptorsAreComfyUis() {
        java.util.Map<String, String> expected = java.util.Map.of(
                "SamplerCustomAdvanced", "SamplerCustomAdvanced | sampling/custom_sampling | noise:NOISE, guider:GUIDER,"
                        + " sampler:SAMPLER, sigmas:SIGMAS, latent_image:LATENT -> output:LATENT,"
                        + " denoised_output:LATENT",
                "SamplerCustom", "SamplerCustom | sampling/custom_sampling | model:MODEL, add_noise:BOOLEAN,"
                        + " noise_seed:INT, cfg:FLOAT, positive:CONDITIONING, negative:CONDITIONING, sampler:SAMPLER,"
                        + " sigmas:SIGMAS, latent_image:LATENT -> output:LATENT, denoised_output:LATENT",
                "KSamplerSelect", "KSamplerSelect | sampling/samplers | sampler_name:COMBO -> SAMPLER:SAMPLER",
                "BasicScheduler", "BasicScheduler | sampling/schedulers | model:MODEL, scheduler:COMBO, steps:INT,"
                        + " denoise:FLOAT -> SIGMAS:SIGMAS",
                "SplitSigmas", "SplitSigmas | sampling/sigmas | sigmas:SIGMAS, step:INT -> high_sigmas:SIGMAS,"
                        + " low_sigmas:SIGMAS",
                "RandomNoise", "RandomNoise | sampling/noise | noise_seed:INT -> NOISE:NOISE",
                "DisableNoise", "DisableNoise | sampling/noise |  -> NOISE:NOISE",
                "BasicGuider", "Basic Guider | sampling/guiders | model:MODEL, conditioning:CONDITIONING -> GUIDER:GUIDER",
                "CFGGuider", "CFG Guider | sampling/guiders | model:MODEL, positive:CONDITIONING,"
                        + " negative:CONDITIONING, cfg:FLOAT -> GUIDER:GUIDER");
        expected.forEach((id, want) -> {
            dev.tessera.graph.api.NodeDescriptor d = graph.engine().nodeType(id).orElseThrow();
            String got = d.displayName() + " | " + d.category() + " | " + d.inputs().stream()
                    .map(i -> i.name() + ":" + i.type().name()).collect(java.util.stream.Collectors.joining(", "))
                    + " -> " + d.outputs().stream().map(o -> o.name() + ":" + o.type().name())
                    .collect(java.util.stream.Collectors.joining(", "));
            assertEquals(want, got, id);
        });
    }

    @Test
    void badInputNamesTheNodeAndInput() throws Exception {
        NodeException unknown = assertThrows(NodeException.class, () -> sampler("heun"));
        assertEquals("sampler_name", unknown.inputName());
        assertTrue(unknown.getMessage().contains("'heun' is not one of euler"), unknown.getMessage());
        NodeException zero = assertThrows(NodeException.class, () -> sigmas("normal", 0, 1.0));
        assertEquals("steps", zero.inputName());

        String workflow = Files.readString(ConformancePack.sampleWorkflows().resolve("sd15-custom-sampler.json"));
        RunResult ok = graph.run(workflow);
        assertEquals(RunResult.Status.SUCCESS, ok.status(), String.valueOf(ok.error()));

        // Sigmas of the other kind (rectified flow) for this diffusion model's guider: named, before any step.
        dev.tessera.diffusion.nodes.internal.CustomSampling.Sigmas flow = (model, shape) -> new dev.tessera.sampling.Schedule(
                dev.tessera.sampling.Schedule.Kind.FLOW, new double[] {1000, 500}, new double[] {1, 0.5, 0}, false);
        NodeException kind = assertThrows(NodeException.class, () -> advanced(noise(1), cfgGuider(7.5),
                sampler("euler"), flow, loaded.empty));
        assertEquals("sigmas", kind.inputName());
        assertTrue(kind.getMessage().contains("flow sigmas, the guider's model samples diffusion"), kind.getMessage());

        ValidationProblem badName = onlyProblem(graph.run(workflow.replace("\"sampler_name\": \"euler\"",
                "\"sampler_name\": \"heun\"")));
        assertEquals("KSamplerSelect", badName.classType());
        assertEquals("sampler_name", badName.inputName());
        ValidationProblem noSteps = onlyProblem(graph.run(workflow.replace("\"steps\": 10", "\"steps\": 0")));
        assertEquals("BasicScheduler", noSteps.classType());
        assertEquals("steps", noSteps.inputName());
        assertEquals("value_smaller_than_min", noSteps.type());
    }

    private static ValidationProblem onlyProblem(RunResult result) {
        assertEquals(RunResult.Status.INVALID, result.status());
        assertEquals(List.of(), result.executed(), "nothing ran");
        assertEquals(1, result.validation().errors().size(), result.validation().errors().toString());
        return result.validation().errors().get(0);
    }
}
