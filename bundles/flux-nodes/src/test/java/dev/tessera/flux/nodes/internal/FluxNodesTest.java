package dev.tessera.flux.nodes.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.flux.nodes.internal.nodes.FluxGuidanceNode;
import dev.tessera.flux.nodes.internal.nodes.ReferenceLatentNode;
import dev.tessera.flux.nodes.internal.nodes.UNETLoaderNode;
import dev.tessera.graph.api.NodeException;
import dev.tessera.model.api.BoundDenoiser;
import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.DiffusionModel;
import dev.tessera.model.api.Latent;
import dev.tessera.model.api.LatentFormat;
import dev.tessera.model.api.LatentPacking;
import dev.tessera.model.api.ParameterView;
import dev.tessera.model.api.WeightPatch;
import dev.tessera.model.api.runtime.PatchedModels;
import dev.tessera.models.dit.AttentionMask;
import dev.tessera.models.dit.AttentionMode;
import dev.tessera.models.dit.BlockKind;
import dev.tessera.models.dit.BlockMasks;
import dev.tessera.models.dit.KontextPatch;
import dev.tessera.sampling.FlowShift;
import dev.tessera.sampling.ModelStep;
import dev.tessera.sampling.NoiseSource;
import dev.tessera.sampling.Prediction;
import dev.tessera.sampling.Sampler;
import dev.tessera.sampling.Samplers;
import dev.tessera.sampling.Schedule;
import dev.tessera.sampling.diffusers.DiffusersSchedulers;
import dev.tessera.testing.Closeness;
import dev.tessera.testing.ConformancePack;
import dev.tessera.testing.CpuRuntime;
import dev.tessera.testing.DirFolders;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.RunScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * UNETLoader on the pack's BFL FLUX file, FluxGuidance, and the MODEL handle's denoiser against diffusers' output of
 * flux/cases/transformer (the case's tokens unpacked to a 4-channel 8x8 latent, sigma 0.7, guidance 3.5).
 */
class FluxNodesTest {

    private static final ModelStep RUNTIME_STEP = new ModelStep(0, 1, 700, 0.7);

    @TempDir
    Path root;

    private CpuRuntime tensors;
    private TransformerCheckpoints checkpoints;
    private RunScope scope;
    private RecordingContext context;
    private DirFolders folders;
    private Map<String, NDArray> c;

    @BeforeEach
    void setUp() throws Exception {
        tensors = new CpuRuntime();
        checkpoints = new TransformerCheckpoints(tensors);
        scope = new RunScope();
        context = new RecordingContext(scope);
        folders = new DirFolders(root);
        Path models = ConformancePack.diffusionModel(folders.models(), "flux/single-file", "tiny-flux");
        Files.copy(ConformancePack.dir().resolve("sd15/single-file/tiny-sd15.safetensors"),
                models.resolve("tiny-sd15.safetensors"));
        c = ConformancePack.tensors(ConformancePack.dir().resolve("flux/cases/transformer.safetensors"),
                tensors.base());
    }

    @AfterEach
    void tearDown() throws Exception {
        scope.close();
        checkpoints.close();
        tensors.close();
    }

    private DiffusionModel load() {
        UNETLoaderNode loader = new UNETLoaderNode(folders, tensors, checkpoints);
        return (DiffusionModel) loader.execute(new MapInputs().with("unet_name", "tiny-flux.safetensors")
                .with("weight_dtype", "default"), context).values().get(0);
    }

    private Conditioning conditioning(double guidance) {
        NDManager owner = tensors.newManager("test conditioning");
        Conditioning plain = Conditioning.owning(owner, List.of(new Conditioning.Entry(
                c.get("encoder_hidden_states").duplicate(), c.get("pooled_projections").duplicate())));
        Conditioning guided = (Conditioning) new FluxGuidanceNode(tensors).execute(new MapInputs()
                .with("conditioning", plain).with("guidance", guidance), context).values().get(0);
        plain.close();
        return guided;
    }

    @Test
    void theModelHandlesDenoiserMatchesDiffusersOnTheCase() {
        try (DiffusionModel model = load(); Conditioning positive = conditioning(3.5);
                NDManager run = tensors.newManager("run")) {
            assertEquals(Prediction.FLOW, model.prediction());
            assertEquals(new LatentFormat("flux", 4, 8, 0.3611, 0.1159), model.latentFormat());
            NDArray latent = LatentPacking.unpack(c.get("hidden_states"), 8, 8);
            try (BoundDenoiser denoiser = model.guided(positive, null, 1.0, run)) {
                NDArray out = denoiser.predict(latent, new ModelStep(0, 1, 700, 0.7));
                NDArray expected = LatentPacking.unpack(c.get("out"), 8, 8);
                double error = Closeness.relativeError(out, expected);
                System.out.printf("FLUX MODEL denoiser vs diffusers out: relative L2 %.2e%n", error);
                assertTrue(error < 1e-4, "relative L2 " + error);
                assertEquals(DataType.FLOAT32, out.getDataType());
            }
        }
    }

    @Test
    void guidanceIsWhatFluxGuidanceSetsAndCfgCombinesTwoSides() {
        try (DiffusionModel model = load(); Conditioning g35 = conditioning(3.5); Conditioning g1 = conditioning(1.0);
                NDManager run = tensors.newManager("run")) {
            NDArray latent = LatentPacking.unpack(c.get("hidden_states"), 8, 8);
            ModelStep step = new ModelStep(0, 1, 700, 0.7);
            NDArray a;
            NDArray b;
            NDArray mixed;
            try (BoundDenoiser d = model.guided(g35, null, 1.0, run)) {
                a = d.predict(latent, step);
            }
            try (BoundDenoiser d = model.guided(g1, null, 1.0, run)) {
                b = d.predict(latent, step);
            }
            try (BoundDenoiser d = model.guided(g35, g1, 2.5, run)) {
                mixed = d.predict(latent, step);
            }
            assertTrue(Closeness.relativeError(a, b) > 1e-3, "the embedded guidance must change the prediction");
            NDArray expected = b.add(a.sub(b).mul(2.5f));
            assertTrue(Closeness.relativeError(mixed, expected) < 1e-5, "uncond + cfg (cond - uncond)");
        }
    }

    @Test
    void aKontextPatchAppendsContextTokensUnderPerBlockMasks() {
        Map<String, NDArray> k = ConformancePack.tensors(ConformancePack.dir().resolve(
                "flux/cases/kontext_masks.safetensors"), tensors.base());
        AttentionMask a = AttentionMask.of(k.get("mask_a"));
        AttentionMask b = AttentionMask.of(k.get("mask_b"));
        BlockMasks perBlock = (kind, index) -> kind == BlockKind.SINGLE && index == 0 ? b : a;
        NDManager owner = tensors.newManager("patch");
        KontextPatch patch = KontextPatch.owning(owner,
                k.get("hidden_states").get(new NDIndex(":, 16:36")).duplicate(),
                k.get("img_ids").get(new NDIndex("16:36")).duplicate(), perBlock, AttentionMode.DENSE, "case masks");
        try (DiffusionModel base = load(); DiffusionModel model = base.withPatch(patch);
                NDManager run = tensors.newManager("run")) {
            patch.release(); // the handle holds it now
            assertEquals(List.of(patch), model.patches());
            NDManager condOwner = tensors.newManager("cond");
            try (Conditioning positive = Conditioning.owning(condOwner, List.of(new Conditioning.Entry(
                    k.get("encoder_hidden_states").duplicate(), k.get("pooled_projections").duplicate())));
                    BoundDenoiser denoiser = model.guided(positive, null, 1.0, run)) {
                NDArray latent = LatentPacking.unpack(k.get("hidden_states").get(new NDIndex(":, 0:16")), 8, 8);
                NDArray out = denoiser.predict(latent, new ModelStep(0, 1, 700, 0.7));
                NDArray expected = LatentPacking.unpack(k.get("out_mask_per_block").get(new NDIndex(":, 0:16")), 8, 8);
                double error = Closeness.relativeError(out, expected);
                System.out.printf("FLUX MODEL + Kontext patch vs out_mask_per_block[:, :16]: relative L2 %.2e%n",
                        error);
                assertTrue(error < 1e-4, "relative L2 " + error);
            }
            IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                    () -> model.withPatch(patch));
            assertTrue(twice.getMessage().contains("already carries a Kontext patch"), twice.getMessage());
        }
        assertTrue(patch.contextTokens().isReleased(), "the last handle closes the patch's tensors");
    }

    /**
     * The sampling bundle's flow-match Euler over the handle's denoiser with FLUX's resolution-dependent shift,
     * against the update written out here: x += (sigma_next - sigma) * v(x, sigma).
     */
    @Test
    void flowMatchEulerOverTheHandleIsThePlainEulerUpdate() {
        try (DiffusionModel model = load(); Conditioning positive = conditioning(3.5);
                NDManager run = tensors.newManager("run")) {
            Schedule schedule = DiffusersSchedulers.flowMatchDynamic(4, FlowShift.fluxMu(16), 1000);
            Sampler sampler = Samplers.named("euler", model.prediction());
            run.getEngine().setRandomSeed(11);
            NDArray noise = run.randomNormal(new ai.djl.ndarray.types.Shape(1, 4, 8, 8));
            try (BoundDenoiser denoiser = model.guided(positive, null, 1.0, run)) {
                NDArray start = sampler.initialLatent(noise, schedule);
                NDArray sampled = sampler.sample(denoiser, start, schedule, NoiseSource.seeded(0), step -> { });
                NDArray x = start.duplicate();
                double[] sigmas = schedule.sigmas();
                for (int i = 0; i < schedule.steps(); i++) {
                    NDArray v = denoiser.predict(x, new ModelStep(i, schedule.steps(), schedule.timestep(i),
                            sigmas[i]));
                    x = x.add(v.mul((float) (sigmas[i + 1] - sigmas[i])));
                }
                assertEquals(0.0, sigmas[sigmas.length - 1]);
                double error = Closeness.relativeError(sampled, x);
                System.out.printf("flow-match Euler (4 steps, mu %.3f) vs plain update: relative L2 %.2e%n",
                        FlowShift.fluxMu(16), error);
                assertTrue(error < 1e-5, "relative L2 " + error);
                assertTrue(Closeness.relativeError(sampled, start) > 0.1, "sampling must move the latent");
            }
        }
    }

    /**
     * KSampler's flow path on the FLUX handle: ComfyUI's simple scheduler with FLUX's shift for the latent's token
     * count, noise mixed in as sigma * n + (1 - sigma) * x, and Euler; against diffusers' FLUX pipeline schedule
     * (flowMatchDynamic with mu from the token count) and the Euler update written out here, in model space.
     */
    @Test
    void kSamplerRunsFluxOnTheFluxPipelinesSchedule() {
        NDManager latents = tensors.newManager("latents");
        Latent empty = Latent.owning(latents, latents.zeros(new ai.djl.ndarray.types.Shape(1, 4, 8, 8)), null, null);
        try (DiffusionModel model = load(); Conditioning positive = conditioning(3.5);
                NDManager run = tensors.newManager("run")) {
            MapInputs inputs = new MapInputs().with("model", model).with("seed", 7L).with("steps", 4L)
                    .with("cfg", 1.0).with("sampler_name", "euler").with("scheduler", "simple")
                    .with("positive", positive).with("negative", positive).with("latent_image", empty)
                    .with("denoise", 1.0);
            Latent sampled = (Latent) new dev.tessera.diffusion.nodes.internal.nodes.KSamplerNode(tensors)
                    .execute(inputs, context).value(0);
            assertEquals(model.latentFormat(), sampled.format().orElseThrow());
            // 8x8 latent cells are 4x4 = 16 FLUX tokens.
            Schedule schedule = DiffusersSchedulers.flowMatchDynamic(4, FlowShift.fluxMu(16), 1000);
            NDArray x = NoiseSource.seeded(7).next(run, empty.samples().getShape(), DataType.FLOAT32);
            try (BoundDenoiser denoiser = model.guided(positive, null, 1.0, run)) {
                for (int i = 0; i < schedule.steps(); i++) {
                    NDArray v = denoiser.predict(x, new ModelStep(i, schedule.steps(), schedule.timestep(i),
                            schedule.sigma(i)));
                    x = x.add(v.mul((float) (schedule.sigma(i + 1) - schedule.sigma(i))));
                }
            }
            NDArray expected = model.latentFormat().toVae(x);
            double error = Closeness.relativeError(sampled.samples(), expected);
            System.out.printf("KSampler on FLUX (euler, simple, 4 steps) vs FLUX pipeline schedule + Euler:"
                    + " relative L2 %.2e%n", error);
            assertTrue(error < 1e-5, "relative L2 " + error);
            sampled.close();
        } finally {
            empty.close();
        }
    }

    /**
     * ModelSamplingFlux fixes the shift: at the latent's own size (64 px: 16 tokens) KSampler gives what it gives
     * without the node; at 1024 px (mu = max_shift) the schedule and the result change.
     */
    @Test
    void modelSamplingFluxFixesTheShiftKSamplerUses() {
        NDManager latents = tensors.newManager("latents");
        Latent empty = Latent.owning(latents, latents.zeros(new ai.djl.ndarray.types.Shape(1, 4, 8, 8)), null, null);
        var node = new dev.tessera.flux.nodes.internal.nodes.ModelSamplingFluxNode();
        try (DiffusionModel model = load(); Conditioning positive = conditioning(3.5);
                DiffusionModel same = (DiffusionModel) node.execute(new MapInputs().with("model", model)
                        .with("max_shift", 1.15).with("base_shift", 0.5).with("width", 64L).with("height", 64L),
                        context).value(0);
                DiffusionModel large = (DiffusionModel) node.execute(new MapInputs().with("model", model)
                        .with("max_shift", 1.15).with("base_shift", 0.5).with("width", 1024L).with("height", 1024L),
                        context).value(0)) {
            assertEquals(model.flowShift(8, 8).shift(), same.flowShift(8, 8).shift(), 1e-12);
            assertEquals(1.15, large.flowShift(8, 8).shift(), 1e-12, "1024 px is 4096 tokens: max_shift");
            assertEquals(1.15, large.flowShift(2, 2).shift(), 1e-12, "fixed, whatever the latent");
            float[] plain = sample(model, positive, empty);
            assertTrue(java.util.Arrays.equals(plain, sample(same, positive, empty)), "same shift, same result");
            float[] shifted = sample(large, positive, empty);
            assertTrue(!java.util.Arrays.equals(plain, shifted), "another shift, another result");
        } finally {
            empty.close();
        }
    }

    /**
     * ComfyUI's FLUX custom-sampling graph (RandomNoise, BasicGuider over FluxGuidance's conditioning,
     * KSamplerSelect, BasicScheduler, SamplerCustomAdvanced) gives KSampler's latent at cfg 1 for the same seed,
     * sampler, scheduler and steps: the same resolution-dependent shift, noise and flow update. With
     * ModelSamplingFlux both follow the fixed shift.
     */
    @Test
    void basicGuiderOnFluxEqualsKSamplerAtCfg1() {
        NDManager latents = tensors.newManager("latents");
        Latent empty = Latent.owning(latents, latents.zeros(new ai.djl.ndarray.types.Shape(1, 4, 8, 8)), null, null);
        var shiftNode = new dev.tessera.flux.nodes.internal.nodes.ModelSamplingFluxNode();
        try (DiffusionModel model = load(); Conditioning positive = conditioning(3.5);
                DiffusionModel large = (DiffusionModel) shiftNode.execute(new MapInputs().with("model", model)
                        .with("max_shift", 1.15).with("base_shift", 0.5).with("width", 1024L).with("height", 1024L),
                        context).value(0)) {
            for (DiffusionModel which : List.of(model, large)) {
                for (String sampler : new String[] {"euler", "dpmpp_2m"}) {
                    float[] expected = sample(which, positive, empty, sampler);
                    float[] custom = customSample(which, positive, empty, sampler);
                    assertArrayEquals(expected, custom, sampler);
                }
            }
            assertTrue(!java.util.Arrays.equals(customSample(model, positive, empty, "euler"),
                    customSample(large, positive, empty, "euler")), "the shift reaches BasicScheduler's sigmas");
        } finally {
            empty.close();
        }
    }

    private float[] customSample(DiffusionModel model, Conditioning positive, Latent latent, String sampler) {
        Object noise = new dev.tessera.diffusion.nodes.internal.nodes.RandomNoiseNode().execute(
                new MapInputs().with("noise_seed", 3L), context).value(0);
        Object guider = new dev.tessera.diffusion.nodes.internal.nodes.BasicGuiderNode().execute(
                new MapInputs().with("model", model).with("conditioning", positive), context).value(0);
        Object select = new dev.tessera.diffusion.nodes.internal.nodes.KSamplerSelectNode().execute(
                new MapInputs().with("sampler_name", sampler), context).value(0);
        Object sigmas = new dev.tessera.diffusion.nodes.internal.nodes.BasicSchedulerNode().execute(
                new MapInputs().with("model", model).with("scheduler", "simple").with("steps", 3L)
                        .with("denoise", 1.0), context).value(0);
        try (Latent out = (Latent) new dev.tessera.diffusion.nodes.internal.nodes.SamplerCustomAdvancedNode(tensors)
                .execute(new MapInputs().with("noise", noise).with("guider", guider).with("sampler", select)
                        .with("sigmas", sigmas).with("latent_image", latent), context).value(0)) {
            return out.samples().toFloatArray();
        }
    }

    private float[] sample(DiffusionModel model, Conditioning positive, Latent latent) {
        return sample(model, positive, latent, "euler");
    }

    private float[] sample(DiffusionModel model, Conditioning positive, Latent latent, String sampler) {
        MapInputs inputs = new MapInputs().with("model", model).with("seed", 3L).with("steps", 3L)
                .with("cfg", 1.0).with("sampler_name", sampler).with("scheduler", "simple")
                .with("positive", positive).with("negative", positive).with("latent_image", latent)
                .with("denoise", 1.0);
        try (Latent out = (Latent) new dev.tessera.diffusion.nodes.internal.nodes.KSamplerNode(tensors)
                .execute(inputs, context).value(0)) {
            return out.samples().toFloatArray();
        }
    }

    /** ConditioningSetArea's areas are an SD1.x feature: FLUX says so and points to ContextGen. */
    @Test
    void areaConditioningIsRefusedOnFlux() {
        try (DiffusionModel model = load(); Conditioning positive = conditioning(3.5);
                NDManager run = tensors.newManager("run")) {
            NDManager owner = tensors.newManager("area");
            try (Conditioning area = dev.tessera.model.api.ConditioningCopy.of(positive, owner, extras -> {
                extras.put(Conditioning.AREA, new int[] {4, 4, 0, 0});
                return extras;
            })) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> model.guided(area, null, 1.0, run).close());
                assertTrue(e.getMessage().contains("positive entry 0: area conditioning (ConditioningSetArea)")
                        && e.getMessage().contains("ContextGen"), e.getMessage());
            }
        }
    }

    /** ConditioningSetMask and ConditioningSetTimestepRange are not honoured on FLUX yet: refused, not ignored. */
    @Test
    void maskAndTimestepRangeAreRefusedOnFlux() {
        try (DiffusionModel model = load(); Conditioning positive = conditioning(3.5);
                NDManager run = tensors.newManager("run")) {
            NDManager maskOwner = tensors.newManager("mask");
            NDManager rangeOwner = tensors.newManager("range");
            try (Conditioning masked = dev.tessera.model.api.ConditioningCopy.of(positive, maskOwner, extras -> {
                extras.put(Conditioning.MASK, maskOwner.ones(new ai.djl.ndarray.types.Shape(1, 8, 8)));
                return extras;
            });
                    Conditioning ranged = dev.tessera.model.api.ConditioningCopy.of(positive, rangeOwner, extras -> {
                        extras.put(Conditioning.START_PERCENT, 0.0);
                        extras.put(Conditioning.END_PERCENT, 0.5);
                        return extras;
                    })) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> model.guided(masked, null, 1.0, run).close());
                assertTrue(e.getMessage().contains("positive entry 0: mask conditioning (ConditioningSetMask)"),
                        e.getMessage());
                e = assertThrows(IllegalArgumentException.class, () -> model.guided(ranged, null, 1.0, run).close());
                assertTrue(e.getMessage().contains("positive entry 0: a timestep range (ConditioningSetTimestepRange)"),
                        e.getMessage());
            }
        }
    }

    /** A 16-channel EmptySD3LatentImage latent on the tiny 4-channel FLUX: KSampler names the latent input. */
    @Test
    void emptySd3LatentIsSixteenChannelsAndAForeignLatentIsRefused() {
        Latent latent = (Latent) new dev.tessera.diffusion.nodes.internal.nodes.EmptySD3LatentImageNode(tensors)
                .execute(new MapInputs().with("width", 64L).with("height", 48L).with("batch_size", 2L), context)
                .value(0);
        try (DiffusionModel model = load(); Conditioning positive = conditioning(3.5)) {
            assertEquals(new ai.djl.ndarray.types.Shape(2, 16, 6, 8), latent.samples().getShape());
            MapInputs inputs = new MapInputs().with("model", model).with("seed", 7L).with("steps", 2L)
                    .with("cfg", 1.0).with("sampler_name", "euler").with("scheduler", "simple")
                    .with("positive", positive).with("negative", positive).with("latent_image", latent)
                    .with("denoise", 1.0);
            NodeException e = assertThrows(NodeException.class,
                    () -> new dev.tessera.diffusion.nodes.internal.nodes.KSamplerNode(tensors).execute(inputs, context));
            assertEquals("latent_image", e.inputName());
            assertTrue(e.getMessage().contains("16"), e.getMessage());
        } finally {
            latent.close();
        }
        NodeException odd = assertThrows(NodeException.class,
                () -> new dev.tessera.diffusion.nodes.internal.nodes.EmptySD3LatentImageNode(tensors).execute(
                        new MapInputs().with("width", 72L).with("height", 64L).with("batch_size", 1L), context));
        assertTrue(odd.getMessage().contains("use 64 or 80"), odd.getMessage());
    }

    /**
     * ReferenceLatent's references become context tokens (model space, packed) with index 1, placed as ComfyUI's
     * offset method does: the first at (0, 0); a second, smaller one below it (rows offset by the first's height).
     * The same tokens and ids given through a KontextPatch compute the same prediction.
     */
    @Test
    void referenceLatentsAreKontextContextTokens() {
        NDManager latents = tensors.newManager("latents");
        latents.getEngine().setRandomSeed(5);
        Latent first = Latent.owning(latents, latents.randomNormal(new ai.djl.ndarray.types.Shape(1, 4, 8, 8)), null,
                null);
        NDManager latents2 = tensors.newManager("latents2");
        Latent second = Latent.owning(latents2, latents2.randomNormal(new ai.djl.ndarray.types.Shape(1, 4, 4, 4)),
                null, null);
        ReferenceLatentNode node = new ReferenceLatentNode(tensors);
        try (DiffusionModel model = load(); Conditioning plain = conditioning(3.5);
                Conditioning one = (Conditioning) node.execute(new MapInputs().with("conditioning", plain)
                        .with("latent", first), context).value(0);
                Conditioning two = (Conditioning) node.execute(new MapInputs().with("conditioning", one)
                        .with("latent", second), context).value(0);
                NDManager run = tensors.newManager("run")) {
            first.close();
            second.close();
            NDArray latent = LatentPacking.unpack(c.get("hidden_states"), 8, 8);
            ModelStep step = new ModelStep(0, 1, 700, 0.7);
            NDArray viaReferences;
            try (BoundDenoiser d = model.guided(two, null, 1.0, run)) {
                viaReferences = d.predict(latent, step);
            }
            List<?> refs = (List<?>) two.entries().get(0).extras().get(FluxDiffusionModel.REFERENCE_LATENTS);
            assertEquals(2, refs.size());
            LatentFormat format = model.latentFormat();
            NDManager owner = tensors.newManager("patch");
            NDArray tokens = LatentPacking.pack(format.toModel((NDArray) refs.get(0)))
                    .concat(LatentPacking.pack(format.toModel((NDArray) refs.get(1))), 1);
            NDArray ids = dev.tessera.models.dit.Kontext.gridIds(owner, 1, 4, 4, 0, 0)
                    .concat(dev.tessera.models.dit.Kontext.gridIds(owner, 1, 2, 2, 4, 0), 0);
            KontextPatch patch = KontextPatch.owning(owner, tokens, ids, BlockMasks.none(), AttentionMode.AUTO,
                    "same references");
            try (DiffusionModel patched = model.withPatch(patch); BoundDenoiser d = patched.guided(plain, null, 1.0,
                    run)) {
                patch.release();
                NDArray viaPatch = d.predict(latent, step);
                assertTrue(Closeness.relativeError(viaReferences, viaPatch) < 1e-6, "" + Closeness.relativeError(viaReferences, viaPatch));
            }
            NDArray without;
            try (BoundDenoiser d = model.guided(plain, null, 1.0, run)) {
                without = d.predict(latent, step);
            }
            assertTrue(Closeness.relativeError(viaReferences, without) > 1e-3, "references must change the prediction");
        }
    }

    @Test
    void foreignFilesAndFp8AreRefusedNamingTheInput() {
        UNETLoaderNode loader = new UNETLoaderNode(folders, tensors, checkpoints);
        NodeException sd = assertThrows(NodeException.class, () -> loader.execute(new MapInputs()
                .with("unet_name", "tiny-sd15.safetensors").with("weight_dtype", "default"), context));
        assertTrue(sd.getMessage().contains("not a FLUX or SD3 transformer"), sd.getMessage());
        NodeException fp8 = assertThrows(NodeException.class, () -> loader.execute(new MapInputs()
                .with("unet_name", "tiny-flux.safetensors").with("weight_dtype", "fp8_e4m3fn"), context));
        assertTrue(fp8.getMessage().contains("fp8"), fp8.getMessage());
    }

    @Test
    void conditioningOfAnotherWidthIsRefused() {
        try (DiffusionModel model = load(); NDManager run = tensors.newManager("run")) {
            NDManager owner = tensors.newManager("clip");
            try (Conditioning clip = Conditioning.owning(owner, List.of(new Conditioning.Entry(
                    owner.zeros(new ai.djl.ndarray.types.Shape(1, 77, 768)), null)))) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> model.guided(clip, null, 1.0, run));
                assertTrue(e.getMessage().contains("positive entry 0: text embeddings of width 768, this FLUX model"
                        + " takes 32"), e.getMessage());
            }
        }
    }

    // The DiT handles on model-api's patched-model runtime: UNETLoader's file is opened once while any handle holds
    // it (counted as the process's open file descriptors on it, and by the cache), a LoRA-style weight patch builds a
    // variant that shares the base weights, and variants no longer used beyond the kept few are freed.

    /** The pack's tiny FLUX file as UNETLoader finds it. */
    private Path flux() {
        return folders.models().resolve("diffusion_models/tiny-flux.safetensors");
    }

    private DiffusionModel execute(UNETLoaderNode loader) {
        return (DiffusionModel) loader.execute(new MapInputs().with("unet_name", "tiny-flux.safetensors")
                .with("weight_dtype", "default"), context).values().get(0);
    }

    /** The descriptors this process holds open on {@code file} (Linux: /proc/self/fd). */
    private static long openDescriptors(Path file) throws IOException {
        Path real = file.toRealPath();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(real);
                } catch (IOException | UnsupportedOperationException e) {
                    return false; // closed while listing, or not a link
                }
            }).count();
        }
    }

    @Test
    void twoExecutionsOfUnetLoaderOpenTheFileOnce() throws IOException {
        UNETLoaderNode loader = new UNETLoaderNode(folders, tensors, checkpoints);
        UNETLoaderNode another = new UNETLoaderNode(folders, tensors, checkpoints);
        assertEquals(0, openDescriptors(flux()));
        DiffusionModel first = execute(loader);
        assertEquals(1, openDescriptors(flux()));
        DiffusionModel second = execute(another);
        DiffusionModel third = execute(loader);
        assertEquals(1, openDescriptors(flux()), "the second and third executions open nothing");
        assertEquals(1, checkpoints.files().loads());
        assertSame(((FluxDiffusionModel) first).checkpoint(), ((FluxDiffusionModel) second).checkpoint());
        assertSame(((FluxDiffusionModel) first).checkpoint(), ((FluxDiffusionModel) third).checkpoint());

        first.close();
        second.close();
        assertEquals(1, openDescriptors(flux()), "a handle still holds it");
        third.close();
        assertEquals(0, openDescriptors(flux()), "closed with the last handle (the host's cache evicting it)");
        assertEquals(0, checkpoints.files().openFiles());

        // A replaced file is a new key: opened anew while a handle over the old one finishes.
        DiffusionModel old = execute(loader);
        Files.setLastModifiedTime(flux(), FileTime.fromMillis(Files.getLastModifiedTime(flux()).toMillis() + 5000));
        DiffusionModel fresh = execute(loader);
        assertEquals(3, checkpoints.files().loads());
        assertEquals(2, checkpoints.files().openFiles());
        old.close();
        fresh.close();

        // Stopping closes what handles still hold.
        DiffusionModel held = execute(loader);
        assertEquals(1, openDescriptors(flux()));
        checkpoints.close();
        assertEquals(0, openDescriptors(flux()));
        held.close();
    }

    /** Adds a rank-1 term {@code scale * u v^T} to the output projection, as a merged LoRA does. */
    private static WeightPatch rankOne(float scale, List<NDArray> made) {
        return new WeightPatch() {
            @Override
            public String key() {
                return "rank-one " + scale;
            }

            @Override
            public Map<String, NDArray> apply(ParameterView current, NDManager target) {
                String name = "proj_out.weight";
                Shape shape = current.shape(name);
                try (NDManager scratch = target.newSubManager()) {
                    NDArray u = scratch.ones(new Shape(shape.get(0), 1));
                    NDArray v = scratch.ones(new Shape(1, shape.get(1)));
                    NDArray merged = u.matMul(v).mul(scale).toType(current.dataType(), false).add(current.get(name));
                    merged.attach(target);
                    made.add(merged);
                    return Map.of(name, merged);
                }
            }
        };
    }

    private static long bytes(NDManager manager) {
        return manager.getManagedArrays().stream().mapToLong(a -> a.size() * a.getDataType().getNumOfBytes()).sum();
    }

    private NDArray runtimePredict(DiffusionModel model, Conditioning positive, NDManager run) {
        try (BoundDenoiser d = model.guided(positive, null, 1.0, run)) {
            return d.predict(LatentPacking.unpack(c.get("hidden_states"), 8, 8), RUNTIME_STEP);
        }
    }

    @Test
    void aDitWithAndWithoutALoraShareTheBaseWeightsAndUnusedVariantsAreFreed() {
        NDManager owner = tensors.newManager("conditioning");
        Conditioning plain = Conditioning.owning(owner, List.of(new Conditioning.Entry(
                c.get("encoder_hidden_states").duplicate(), c.get("pooled_projections").duplicate())));
        try (DiffusionModel base = execute(new UNETLoaderNode(folders, tensors, checkpoints));
                Conditioning positive = (Conditioning) new FluxGuidanceNode(tensors).execute(new MapInputs()
                        .with("conditioning", plain).with("guidance", 3.5), context).values().get(0);
                NDManager run = tensors.newManager("run")) {
            plain.close();
            FluxDiffusionModel flux = (FluxDiffusionModel) base;
            NDManager weights = flux.checkpoint().weights().manager();
            NDArray before = runtimePredict(base, positive, run);
            long baseBytes = bytes(weights);
            int loaded = flux.checkpoint().weights().loadedCount();

            List<NDArray> made = new ArrayList<>();
            NDArray patchedOut;
            long variantBytes;
            try (DiffusionModel patched = base.withPatch(rankOne(0.05f, made))) {
                patchedOut = runtimePredict(patched, positive, run);
                variantBytes = bytes(weights) - baseBytes;
            }
            NDArray replacement = made.get(0);
            long replacedBytes = replacement.size() * replacement.getDataType().getNumOfBytes();
            System.out.printf("FLUX base weights %d bytes; a rank-1 LoRA variant adds %d (its replaced matrix: %d)%n",
                    baseBytes, variantBytes, replacedBytes);
            assertTrue(Closeness.relativeError(patchedOut, before) > 1e-4, "the patch changes the prediction");
            // The layer may keep the replaced matrix in a derived layout too; nothing else of the base is copied.
            assertTrue(variantBytes >= replacedBytes && variantBytes <= 2 * replacedBytes,
                    "the variant holds only its replaced matrix; the rest is the base's");
            assertEquals(loaded, flux.checkpoint().weights().loadedCount(), "no base tensor was read again");
            assertEquals(1, checkpoints.files().loads());
            assertEquals(0.0, Closeness.relativeError(runtimePredict(base, positive, run), before),
                    "the base is untouched");

            // Variants no longer used beyond the kept few go, with their memory; the base stays.
            for (int i = 1; i <= PatchedModels.KEEP_UNUSED; i++) {
                try (DiffusionModel other = base.withPatch(rankOne(0.05f + i, made))) {
                    runtimePredict(other, positive, run);
                }
            }
            assertTrue(replacement.isReleased(), "the eldest unused variant is freed");
            assertFalse(made.get(made.size() - 1).isReleased(), "the latest is kept for reuse");
            assertEquals(PatchedModels.KEEP_UNUSED * variantBytes, bytes(weights) - baseBytes,
                    "the freed variant's bytes are gone");
            assertEquals(PatchedModels.KEEP_UNUSED, flux.base().transformers.variants());
        }
    }
}
