package dev.tessera.sd.nodes.internal.nodes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.diffusion.nodes.internal.CustomSampling;
import dev.tessera.diffusion.nodes.internal.DualCfgDenoiser;
import dev.tessera.diffusion.nodes.internal.nodes.DualCFGGuiderNode;
import dev.tessera.diffusion.nodes.internal.nodes.AddNoiseNode;
import dev.tessera.diffusion.nodes.internal.nodes.BasicSchedulerNode;
import dev.tessera.diffusion.nodes.internal.nodes.DisableNoiseNode;
import dev.tessera.diffusion.nodes.internal.nodes.BetaSamplingSchedulerNode;
import dev.tessera.diffusion.nodes.internal.nodes.CFGGuiderNode;
import dev.tessera.diffusion.nodes.internal.nodes.ExponentialSchedulerNode;
import dev.tessera.diffusion.nodes.internal.nodes.FlipSigmasNode;
import dev.tessera.diffusion.nodes.internal.nodes.KSamplerNode;
import dev.tessera.diffusion.nodes.internal.nodes.KSamplerSelectNode;
import dev.tessera.diffusion.nodes.internal.nodes.KarrasSchedulerNode;
import dev.tessera.diffusion.nodes.internal.nodes.PolyexponentialSchedulerNode;
import dev.tessera.diffusion.nodes.internal.nodes.RandomNoiseNode;
import dev.tessera.diffusion.nodes.internal.nodes.SDTurboSchedulerNode;
import dev.tessera.diffusion.nodes.internal.nodes.SamplerCustomAdvancedNode;
import dev.tessera.diffusion.nodes.internal.nodes.SamplerEulerAncestralNode;
import dev.tessera.diffusion.nodes.internal.nodes.SetFirstSigmaNode;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeType;
import dev.tessera.model.api.BoundDenoiser;
import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.Latent;
import dev.tessera.sampling.ModelStep;
import dev.tessera.sampling.NoiseSchedule;
import dev.tessera.sampling.Schedule;
import dev.tessera.testing.ConformancePack;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.RunScope;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ComfyUI's scheduler and sigma nodes (KarrasScheduler, ExponentialScheduler, PolyexponentialScheduler,
 * BetaSamplingScheduler, SDTurboScheduler, FlipSigmas, SetFirstSigma) and sampler nodes (SamplerEulerAncestral) on the
 * tiny SD1.5 checkpoint: sigmas against k-diffusion's formulas computed here, and against BasicScheduler, KSampler
 * and KSamplerSelect where both make the same thing.
 */
class CustomSamplingNodesTest {

    private static final Shape LATENT = new Shape(1, 4, 8, 8);

    @TempDir
    Path home;
    private Graph graph;
    private BadInputTest.Loaded loaded;
    private RunScope scope;
    private NoiseSchedule training;

    @BeforeEach
    void setUp() {
        Path models = ConformancePack.tinySd15Models(home);
        graph = new Graph(home, models);
        loaded = new BadInputTest.Loaded(graph.cache, models, graph.runtime);
        scope = new RunScope();
        training = loaded.model.noiseSchedule();
    }

    @AfterEach
    void tearDown() throws Exception {
        scope.close();
        loaded.close();
        graph.close();
    }

    private CustomSampling.Sigmas sigmas(NodeType node, MapInputs inputs) {
        return (CustomSampling.Sigmas) node.execute(inputs, new RecordingContext(scope)).value(0);
    }

    private Schedule resolve(CustomSampling.Sigmas sigmas) {
        return sigmas.resolve(loaded.model, LATENT);
    }

    private CustomSampling.Sigmas basic(String scheduler, long steps) {
        return sigmas(new BasicSchedulerNode(), new MapInputs().with("model", loaded.model)
                .with("scheduler", scheduler).with("steps", steps).with("denoise", 1.0));
    }

    private CustomSampling.Sigmas karras(long steps, double max, double min, double rho) {
        return sigmas(new KarrasSchedulerNode(), new MapInputs().with("steps", steps).with("sigma_max", max)
                .with("sigma_min", min).with("rho", rho));
    }

    private CustomSampling.Sigmas polyexponential(long steps, double max, double min, double rho) {
        return sigmas(new PolyexponentialSchedulerNode(), new MapInputs().with("steps", steps).with("sigma_max", max)
                .with("sigma_min", min).with("rho", rho));
    }

    private static void assertClose(double[] expected, double[] actual, double relative, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Math.abs(expected[i] - actual[i]) <= relative * Math.abs(expected[i]),
                    what + ": sigma " + i + " is " + actual[i] + ", expected " + expected[i]);
        }
    }

    /** k-diffusion's get_sigmas_karras in float64. */
    private static double[] karrasFormula(int n, double max, double min, double rho) {
        double[] s = new double[n + 1];
        for (int i = 0; i < n; i++) {
            double ramp = n == 1 ? 0 : i / (double) (n - 1);
            s[i] = Math.pow(Math.pow(max, 1 / rho) + ramp * (Math.pow(min, 1 / rho) - Math.pow(max, 1 / rho)), rho);
        }
        return s;
    }

    @Test
    void karrasSchedulerFollowsTheFormulaAndEqualsBasicSchedulerKarrasOverTheModelsRange() {
        assertClose(karrasFormula(20, 14.614642, 0.0291675, 7), resolve(karras(20, 14.614642, 0.0291675, 7)).sigmas(),
                1e-6, "defaults");
        assertClose(karrasFormula(7, 5.0, 0.1, 3), resolve(karras(7, 5.0, 0.1, 3)).sigmas(), 1e-6, "rho 3");

        Schedule own = resolve(karras(6, training.sigmaMax(), training.sigmaMin(), 7.0));
        assertEquals(resolve(basic("karras", 6)), own, "same sigmas, timesteps and max_denoise as BasicScheduler");
        assertTrue(own.inflatedInitialNoise(), "starting at the model's largest sigma is ComfyUI's max_denoise");

        assertArrayEquals(ksampler("euler", "karras", 6), advanced(select("euler"),
                karras(6, training.sigmaMax(), training.sigmaMin(), 7.0)),
                "KarrasScheduler + SamplerCustomAdvanced = KSampler");
    }

    private float[] ksampler(String sampler, String scheduler, long steps) {
        return ((Latent) new KSamplerNode(graph.runtime).execute(loaded.samplerInputs(loaded.model)
                .with("sampler_name", sampler).with("scheduler", scheduler).with("steps", steps),
                new RecordingContext(scope)).value(0)).samples().toFloatArray();
    }

    private Object select(String name) {
        return new KSamplerSelectNode().execute(new MapInputs().with("sampler_name", name),
                new RecordingContext(scope)).value(0);
    }

    /** SamplerCustomAdvanced with KSampler's seed 42 and cfg 7.5 (CFGGuider, RandomNoise). */
    private float[] advanced(Object sampler, CustomSampling.Sigmas sigmas) {
        Object guider = new CFGGuiderNode().execute(new MapInputs().with("model", loaded.model)
                .with("positive", loaded.positive).with("negative", loaded.negative).with("cfg", 7.5),
                new RecordingContext(scope)).value(0);
        Object noise = new RandomNoiseNode().execute(new MapInputs().with("noise_seed", 42L),
                new RecordingContext(scope)).value(0);
        Latent out = (Latent) new SamplerCustomAdvancedNode(graph.runtime).execute(new MapInputs()
                .with("noise", noise).with("guider", guider).with("sampler", sampler).with("sigmas", sigmas)
                .with("latent_image", loaded.empty), new RecordingContext(scope)).value(0);
        return out.samples().toFloatArray();
    }

    private Object eulerAncestral(double eta, double sNoise) {
        return new SamplerEulerAncestralNode().execute(new MapInputs().with("eta", eta).with("s_noise", sNoise),
                new RecordingContext(scope)).value(0);
    }

    @Test
    void samplerEulerAncestralIsKSamplersAtItsDefaultsAndEulerAtEtaZero() {
        assertArrayEquals(ksampler("euler_ancestral", "normal", 5), advanced(eulerAncestral(1.0, 1.0),
                basic("normal", 5)), "eta 1, s_noise 1 = KSampler euler_ancestral");
        assertArrayEquals(ksampler("euler", "normal", 5), advanced(eulerAncestral(0.0, 1.0), basic("normal", 5)),
                "eta 0: no noise re-injected, Euler's steps");
        float[] half = advanced(eulerAncestral(0.5, 1.0), basic("normal", 5));
        assertTrue(maxDiff(half, ksampler("euler_ancestral", "normal", 5)) > 1e-3, "eta matters");
        assertTrue(maxDiff(advanced(eulerAncestral(1.0, 0.5), basic("normal", 5)),
                ksampler("euler_ancestral", "normal", 5)) > 1e-3, "s_noise matters");
    }

    /** SamplerCustomAdvanced with seed 42 and euler on 5 normal steps under {@code guider}. */
    private float[] guided(Object guider) {
        Object noise = new RandomNoiseNode().execute(new MapInputs().with("noise_seed", 42L),
                new RecordingContext(scope)).value(0);
        Latent out = (Latent) new SamplerCustomAdvancedNode(graph.runtime).execute(new MapInputs()
                .with("noise", noise).with("guider", guider).with("sampler", select("euler"))
                .with("sigmas", basic("normal", 5)).with("latent_image", loaded.empty), new RecordingContext(scope))
                .value(0);
        return out.samples().toFloatArray();
    }

    private Object cfgGuider(Conditioning positive, Conditioning negative, double cfg) {
        return new CFGGuiderNode().execute(new MapInputs().with("model", loaded.model).with("positive", positive)
                .with("negative", negative).with("cfg", cfg), new RecordingContext(scope)).value(0);
    }

    private Object dual(Conditioning cond1, Conditioning cond2, double cfgConds, double cfgCond2, String style) {
        return new DualCFGGuiderNode().execute(new MapInputs().with("model", loaded.model).with("cond1", cond1)
                .with("cond2", cond2).with("negative", loaded.negative).with("cfg_conds", cfgConds)
                .with("cfg_cond2_negative", cfgCond2).with("style", style), new RecordingContext(scope)).value(0);
    }

    private static double relativeL2(float[] a, float[] b) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < a.length; i++) {
            diff += (a[i] - b[i]) * (double) (a[i] - b[i]);
            norm += b[i] * (double) b[i];
        }
        return Math.sqrt(diff / norm);
    }

    /** ComfyUI's Guider_DualCFG.predict_noise, computed here from the three sides predicted alone. */
    @Test
    void dualCfgGuiderCombinesTheThreeSidesAsComfyUi() {
        try (Conditioning blue = loaded.clip.encode("a blue car", graph.runtime.newManager("blue"));
                NDManager m = graph.runtime.newManager("dual step")) {
            m.getEngine().setRandomSeed(3);
            NDArray x = m.randomNormal(new Shape(1, 4, 8, 8));
            ModelStep step = new ModelStep(0, 1, 500, training.sigma(500));
            float[][] side = new float[3][];
            Conditioning[] conds = {loaded.positive, blue, loaded.negative};
            for (int i = 0; i < 3; i++) {
                try (BoundDenoiser alone = loaded.model.guided(conds[i], null, 1.0, m)) {
                    side[i] = alone.predict(x, step).toFloatArray();
                }
            }
            double c1 = 3.0;
            double c2 = 5.5;
            for (boolean nested : new boolean[] {false, true}) {
                float[] expected = new float[side[0].length];
                for (int k = 0; k < expected.length; k++) {
                    double pos = side[0][k];
                    double mid = side[1][k];
                    double neg = side[2][k];
                    expected[k] = (float) (nested ? neg + c2 * ((mid + c1 * (pos - mid)) - neg)
                            : neg + c2 * (mid - neg) + (pos - mid) * c1);
                }
                try (DualCfgDenoiser dual = new DualCfgDenoiser(loaded.model, loaded.positive, blue, loaded.negative,
                        c1, c2, nested, m)) {
                    float[] got = dual.predict(x, step).toFloatArray();
                    assertTrue(relativeL2(got, expected) < 1e-5, (nested ? "nested: " : "regular: ")
                            + relativeL2(got, expected));
                }
            }
            // In sampling: cond2 = negative leaves CFG of cond1 by cfg_conds; cond2 = cond1 leaves CFG by
            // cfg_cond2_negative; nested at cfg_conds 1 is CFG of cond1 by cfg_cond2_negative.
            assertTrue(relativeL2(guided(dual(loaded.positive, loaded.negative, 6.0, 2.0, "regular")),
                    guided(cfgGuider(loaded.positive, loaded.negative, 6.0))) < 1e-5, "cond2 = negative");
            assertTrue(relativeL2(guided(dual(loaded.positive, loaded.positive, 6.0, 4.0, "regular")),
                    guided(cfgGuider(loaded.positive, loaded.negative, 4.0))) < 1e-5, "cond2 = cond1");
            assertTrue(relativeL2(guided(dual(blue, loaded.positive, 1.0, 4.0, "nested")),
                    guided(cfgGuider(blue, loaded.negative, 4.0))) < 1e-5, "nested at cfg_conds 1");
            assertTrue(relativeL2(guided(dual(blue, loaded.positive, 3.0, 4.0, "regular")),
                    guided(cfgGuider(loaded.positive, loaded.negative, 4.0))) > 1e-3, "cond1 matters");
        }
    }

    private Latent addNoise(Object noise, CustomSampling.Sigmas sigmas, Latent latent) {
        return (Latent) new AddNoiseNode(graph.runtime).execute(new MapInputs().with("model", loaded.model)
                .with("noise", noise).with("sigmas", sigmas).with("latent_image", latent), new RecordingContext(scope))
                .value(0);
    }

    private Object randomNoise(long seed) {
        return new RandomNoiseNode().execute(new MapInputs().with("noise_seed", seed), new RecordingContext(scope))
                .value(0);
    }

    /** A latent of seeded values, as VAEEncode would give for image-to-image. */
    private Latent image() {
        NDManager m = graph.runtime.newManager("image latent");
        m.getEngine().setRandomSeed(5);
        return Latent.owning(m, m.randomNormal(new Shape(1, 4, 8, 8)), null, null);
    }

    /**
     * ComfyUI's AddNoise on SD1.5: {@code (x * 0.18215 + n * |s0 - s_last|) / 0.18215} with n torch's
     * {@code manual_seed(seed); randn}; then SamplerCustomAdvanced with DisableNoise equals sampling with the noise.
     */
    @Test
    void addNoiseScalesTheNoiseAsTheModelAndFeedsANoiselessSampler() {
        try (Latent from = image(); NDManager m = graph.runtime.newManager("expected noise")) {
            m.getEngine().setRandomSeed(42);
            float[] n = m.randomNormal(0f, 1f, new Shape(1, 4, 8, 8), ai.djl.ndarray.types.DataType.FLOAT32)
                    .toFloatArray();
            float[] x = from.samples().toFloatArray();
            CustomSampling.Sigmas all = sigmas(new BasicSchedulerNode(), new MapInputs().with("model", loaded.model)
                    .with("scheduler", "karras").with("steps", 8L).with("denoise", 0.6));
            double[] levels = resolve(all).sigmas();
            double scale = Math.abs(levels[0] - levels[levels.length - 1]);
            float[] expected = new float[x.length];
            for (int k = 0; k < x.length; k++) {
                expected[k] = (float) ((x[k] * 0.18215 + n[k] * scale) / 0.18215);
            }
            Latent noisy = addNoise(randomNoise(42), all, from);
            assertTrue(relativeL2(noisy.samples().toFloatArray(), expected) < 1e-6,
                    "relative L2 " + relativeL2(noisy.samples().toFloatArray(), expected));

            Object off = new DisableNoiseNode().execute(new MapInputs(), new RecordingContext(scope)).value(0);
            assertTrue(relativeL2(addNoise(off, all, from).samples().toFloatArray(), x) < 1e-6,
                    "DisableNoise adds nothing");

            Object guider = new CFGGuiderNode().execute(new MapInputs().with("model", loaded.model)
                    .with("positive", loaded.positive).with("negative", loaded.negative).with("cfg", 5.0),
                    new RecordingContext(scope)).value(0);
            float[] withNoise = ((Latent) new SamplerCustomAdvancedNode(graph.runtime).execute(new MapInputs()
                    .with("noise", randomNoise(42)).with("guider", guider).with("sampler", select("euler"))
                    .with("sigmas", all).with("latent_image", from), new RecordingContext(scope)).value(0))
                    .samples().toFloatArray();
            float[] afterAddNoise = ((Latent) new SamplerCustomAdvancedNode(graph.runtime).execute(new MapInputs()
                    .with("noise", off).with("guider", guider).with("sampler", select("euler"))
                    .with("sigmas", all).with("latent_image", noisy), new RecordingContext(scope)).value(0))
                    .samples().toFloatArray();
            assertTrue(relativeL2(afterAddNoise, withNoise) < 1e-5, "AddNoise + DisableNoise = RandomNoise: "
                    + relativeL2(afterAddNoise, withNoise));
        }
    }

    private static double maxDiff(float[] a, float[] b) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }

    @Test
    void exponentialAndPolyexponentialFollowTheirFormulas() {
        int n = 9;
        double max = 12.0;
        double min = 0.05;
        double[] exponential = new double[n + 1];
        double[] poly2 = new double[n + 1];
        for (int i = 0; i < n; i++) {
            double t = i / (double) (n - 1);
            exponential[i] = Math.exp(Math.log(max) + t * (Math.log(min) - Math.log(max)));
            poly2[i] = Math.exp(Math.pow(1 - t, 2) * (Math.log(max) - Math.log(min)) + Math.log(min));
        }
        CustomSampling.Sigmas exp = sigmas(new ExponentialSchedulerNode(), new MapInputs().with("steps", (long) n)
                .with("sigma_max", max).with("sigma_min", min));
        assertClose(exponential, resolve(exp).sigmas(), 1e-6, "exponential");
        assertClose(exponential, resolve(polyexponential(n, max, min, 1.0)).sigmas(), 1e-6, "polyexponential rho 1");
        assertClose(poly2, resolve(polyexponential(n, max, min, 2.0)).sigmas(), 1e-6, "polyexponential rho 2");

        Schedule overModel = resolve(sigmas(new ExponentialSchedulerNode(), new MapInputs().with("steps", 6L)
                .with("sigma_max", training.sigmaMax()).with("sigma_min", training.sigmaMin())));
        assertEquals(resolve(basic("exponential", 6)), overModel, "ExponentialScheduler = BasicScheduler exponential");
        // Timesteps are the model's nearest training timestep in log sigma.
        double[] t = overModel.timesteps();
        for (int i = 0; i < t.length; i++) {
            assertEquals(training.nearestTimestep(overModel.sigma(i)), t[i], "timestep " + i);
        }
    }

    @Test
    void betaSamplingSchedulerIsBasicSchedulersBetaAtPointSixAndUniformAtOne() {
        MapInputs in = new MapInputs().with("model", loaded.model).with("steps", 7L).with("alpha", 0.6)
                .with("beta", 0.6);
        assertEquals(resolve(basic("beta", 7)), resolve(sigmas(new BetaSamplingSchedulerNode(), in)));
        // beta(1, 1) is uniform: its quantile function is the identity, so the picks are rint((1 - i/n) * 999).
        Schedule uniform = resolve(sigmas(new BetaSamplingSchedulerNode(), in.with("alpha", 1.0).with("beta", 1.0)));
        int last = training.numTrainTimesteps() - 1;
        double[] expected = new double[8];
        for (int i = 0; i < 7; i++) {
            expected[i] = training.sigma((int) Math.rint((1 - i / 7.0) * last));
        }
        assertArrayEquals(expected, uniform.sigmas(), 1e-7);
        NodeException zero = assertThrows(NodeException.class, () -> sigmas(new BetaSamplingSchedulerNode(),
                in.with("alpha", 0.0)));
        assertEquals("alpha", zero.inputName());
    }

    @Test
    void sdTurboSchedulerPicksEveryHundredthTimestepFromTheDenoiseStart() {
        MapInputs in = new MapInputs().with("model", loaded.model);
        Schedule two = resolve(sigmas(new SDTurboSchedulerNode(), in.with("steps", 2L).with("denoise", 1.0)));
        assertArrayEquals(new double[] {999, 899}, two.timesteps());
        assertClose(new double[] {training.sigma(999), training.sigma(899), 0}, two.sigmas(), 1e-6, "steps 2");
        assertTrue(two.inflatedInitialNoise());
        // denoise 0.5: start_step = 10 - int(5) = 5, timesteps 499, 399, 299
        Schedule half = resolve(sigmas(new SDTurboSchedulerNode(), in.with("steps", 3L).with("denoise", 0.5)));
        assertArrayEquals(new double[] {499, 399, 299}, half.timesteps());
        assertClose(new double[] {training.sigma(499), training.sigma(399), training.sigma(299), 0}, half.sigmas(),
                1e-6, "denoise 0.5");
        // denoise 0.15: start_step 9, only timestep 99 is left of the three steps asked for
        Schedule tail = resolve(sigmas(new SDTurboSchedulerNode(), in.with("steps", 3L).with("denoise", 0.15)));
        assertArrayEquals(new double[] {99}, tail.timesteps());
        assertNull(resolve(sigmas(new SDTurboSchedulerNode(), in.with("steps", 3L).with("denoise", 0.0))),
                "denoise 0 leaves only the final 0: nothing runs");
    }

    @Test
    void flipSigmasReversesAndLiftsTheZero() {
        CustomSampling.Sigmas normal = basic("normal", 5);
        double[] forward = resolve(normal).sigmas();
        CustomSampling.Sigmas flipped = (CustomSampling.Sigmas) new FlipSigmasNode().execute(
                new MapInputs().with("sigmas", normal), new RecordingContext(scope)).value(0);
        Schedule back = resolve(flipped);
        double[] expected = new double[forward.length];
        for (int i = 0; i < forward.length; i++) {
            expected[i] = forward[forward.length - 1 - i];
        }
        expected[0] = 0.0001f;
        assertArrayEquals(expected, back.sigmas());
        assertEquals(0, back.timestep(0), "sigma 0.0001 is nearest training timestep 0");
        assertEquals(training.nearestTimestep(forward[1]), back.timesteps()[4], "the last step starts at the second sigma");
        assertTrue(!back.inflatedInitialNoise());
    }

    @Test
    void setFirstSigmaReplacesOnlyTheFirst() {
        CustomSampling.Sigmas normal = basic("normal", 4);
        double[] before = resolve(normal).sigmas();
        Schedule set = resolve((CustomSampling.Sigmas) new SetFirstSigmaNode().execute(new MapInputs()
                .with("sigmas", normal).with("sigma", 136.0), new RecordingContext(scope)).value(0));
        double[] expected = before.clone();
        expected[0] = 136.0;
        assertArrayEquals(expected, set.sigmas());
        assertEquals(training.numTrainTimesteps() - 1, set.timestep(0), "above the largest sigma: the last timestep");
        assertTrue(set.inflatedInitialNoise(), "above the model's largest sigma is max_denoise");
        CustomSampling.Sigmas zero = (CustomSampling.Sigmas) new SetFirstSigmaNode().execute(new MapInputs()
                .with("sigmas", normal).with("sigma", 0.0), new RecordingContext(scope)).value(0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> resolve(zero));
        assertTrue(e.getMessage().contains("sigma 0 is 0"), e.getMessage());
    }

    @Test
    void badRangesAreNamed() {
        NodeException min = assertThrows(NodeException.class, () -> karras(10, 14.6, 0.0, 7.0));
        assertEquals("sigma_min", min.inputName());
        NodeException rho = assertThrows(NodeException.class, () -> karras(10, 14.6, 0.03, 0.0));
        assertEquals("rho", rho.inputName());
    }

    /** Type ids, categories, inputs with defaults as comfy_extras/nodes_custom_sampler.py declares them. */
    @Test
    void descriptorsAreComfyUis() {
        java.util.Map<String, String> expected = java.util.Map.of(
                "KarrasScheduler", "sampling/schedulers | steps:INT=20, sigma_max:FLOAT=14.614642,"
                        + " sigma_min:FLOAT=0.0291675, rho:FLOAT=7.0 -> SIGMAS",
                "ExponentialScheduler", "sampling/schedulers | steps:INT=20, sigma_max:FLOAT=14.614642,"
                        + " sigma_min:FLOAT=0.0291675 -> SIGMAS",
                "PolyexponentialScheduler", "sampling/schedulers | steps:INT=20, sigma_max:FLOAT=14.614642,"
                        + " sigma_min:FLOAT=0.0291675, rho:FLOAT=1.0 -> SIGMAS",
                "BetaSamplingScheduler", "sampling/schedulers | model:MODEL, steps:INT=20, alpha:FLOAT=0.6,"
                        + " beta:FLOAT=0.6 -> SIGMAS",
                "SDTurboScheduler", "sampling/schedulers | model:MODEL, steps:INT=1, denoise:FLOAT=1.0 -> SIGMAS",
                "FlipSigmas", "sampling/sigmas | sigmas:SIGMAS -> SIGMAS",
                "SetFirstSigma", "sampling/sigmas | sigmas:SIGMAS, sigma:FLOAT=136.0 -> SIGMAS",
                "SamplerEulerAncestral", "sampling/samplers | eta:FLOAT=1.0, s_noise:FLOAT=1.0 -> SAMPLER",
                "DualCFGGuider", "sampling/guiders | model:MODEL, cond1:CONDITIONING, cond2:CONDITIONING,"
                        + " negative:CONDITIONING, cfg_conds:FLOAT=8.0, cfg_cond2_negative:FLOAT=8.0, style:COMBO=regular"
                        + " -> GUIDER",
                "AddNoise", "experimental/custom_sampling/noise | model:MODEL, noise:NOISE, sigmas:SIGMAS,"
                        + " latent_image:LATENT -> LATENT");
        expected.forEach((id, want) -> {
            dev.tessera.graph.api.NodeDescriptor d = graph.engine().nodeType(id).orElseThrow();
            String got = d.category() + " | " + d.inputs().stream()
                    .map(i -> i.name() + ":" + i.type().name()
                            + (i.hasWidget() ? "=" + i.widget().defaultLiteral() : ""))
                    .collect(java.util.stream.Collectors.joining(", "))
                    + " -> " + d.outputs().stream().map(o -> o.type().name())
                    .collect(java.util.stream.Collectors.joining(", "));
            assertEquals(want, got, id);
        });
    }
}
