package dev.tessera.miglora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.layout.Box;
import dev.tessera.layout.BoxMasks;
import dev.tessera.layout.Instance;
import dev.tessera.layout.Layout;
import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.ForwardHook;
import dev.tessera.model.api.HookContext;
import dev.tessera.model.api.RunCache;
import dev.tessera.models.sd.HookedUNet;
import dev.tessera.models.sd.UNet2DConditionModel;
import dev.tessera.models.sd.UNetFeatures;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import dev.tessera.sampling.ModelStep;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The paper's variants have no reference code: they are checked by their properties on the pack's tiny SD1.5 UNet
 * with random encoder weights, against computations written out here with the UNet's own pieces.
 */
class MigHookPropertiesTest {

    @TempDir
    static Path dir;
    static NDManager manager;
    static StableDiffusionCheckpoint checkpoint;
    static UNet2DConditionModel unet;

    /** 16 x 16 latents (128 px): the middle block is 2 x 2, and the boxes leave cells outside at every level. */
    static final int LATENT = 16;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
        checkpoint = Tiny.checkpoint(manager);
        unet = checkpoint.unet();
    }

    @AfterAll
    static void close() {
        checkpoint.close();
        manager.close();
    }

    static NDArray sample(NDManager m, int rows) {
        return Tiny.random(m, 7, 1f, rows, 4, LATENT, LATENT);
    }

    static NDArray timesteps(NDManager m, int rows) {
        return m.full(new Shape(rows), 500f, DataType.FLOAT32);
    }

    static Layout twoBoxes() {
        return Layout.of("a red apple and a blue cup", List.of(
                Instance.of("a red apple", new Box(0.0, 0.05, 0.35, 0.4)),
                Instance.of("a blue cup", new Box(0.2, 0.1, 0.55, 0.45))));
    }

    static HookContext conditional(int rows) {
        return new HookContext(new ModelStep(0, 10, 500, 1), List.of(new HookContext.BatchPart(0, rows, false,
                entry())));
    }

    static Conditioning.Entry entry() {
        return new Conditioning.Entry(manager.zeros(new Shape(1, 77, 32)), null);
    }

    static double relative(NDArray actual, NDArray expected) {
        double diff = actual.sub(expected).square().sum().getFloat();
        double norm = expected.square().sum().getFloat();
        return Math.sqrt(diff / norm);
    }

    static MaskEncoder released() {
        return MaskEncoder.read(Pack.releasedEncoder(), manager);
    }

    @Test
    void oneWholeImageInstanceWithAvgFusionIsThePlainPathWithItsEmbeddingAdded() {
        try (NDManager m = manager.newSubManager()) {
            MaskEncoder encoder = released();
            NDArray global = Tiny.random(m, 3, 1f, 1, 77, 32);
            // The global caption and one instance with the whole image and the same text: two identical rows.
            Layout layout = Layout.of("a picture", List.of(Instance.of("a picture", Box.FULL)));
            MigHook hook = new MigHook(encoder, layout, InstanceEmbeddings.of(global.repeat(0, 2)), Fusion.AVG, 1);
            NDArray x = sample(m, 1);
            NDArray t = timesteps(m, 1);
            NDArray hooked = HookedUNet.forward(unet, List.of(hook), x, t, global, conditional(1));

            NDArray full = BoxMasks.encoderInput(m, Layout.of("a picture", List.of()), LATENT * 8, LATENT * 8, true,
                    DataType.FLOAT32);
            NDArray temb = unet.timeEmbedding(t, 1);
            UNetFeatures features = unet.encode(unet.convIn(x).add(encoder.encode(full)), temb, global);
            NDArray plain = unet.decode(features, temb, global);
            assertTrue(relative(hooked, plain) < 1e-6, "relative error " + relative(hooked, plain));
        }
    }

    @Test
    void aZeroInitialisedEncoderWithOneWholeImageInstanceIsExactlyThePlainModel() {
        try (NDManager m = manager.newSubManager()) {
            MaskEncoder encoder = MaskEncoder.read(Tiny.releasedEncoder(dir.resolve("zero.safetensors"), m, 5, 16,
                    true), m);
            NDArray global = Tiny.random(m, 3, 1f, 1, 77, 32);
            MigHook hook = new MigHook(encoder, Layout.of("a picture", List.of()), InstanceEmbeddings.of(global),
                    Fusion.AVG, 1);
            NDArray x = sample(m, 1);
            NDArray t = timesteps(m, 1);
            NDArray hooked = HookedUNet.forward(unet, List.of(hook), x, t, global, conditional(1));
            NDArray plain = unet.forward(x, t, global);
            assertTrue(relative(hooked, plain) < 1e-6, "relative error " + relative(hooked, plain));
        }
    }

    @Test
    void instancesBatchedEqualSeparatePassesForConditionalAndUnconditionalRows() {
        try (NDManager m = manager.newSubManager()) {
            MaskEncoder encoder = released();
            Layout layout = twoBoxes();
            NDArray instances = Tiny.random(m, 11, 1f, 3, 77, 32);
            NDArray negative = Tiny.random(m, 12, 1f, 1, 77, 32);
            // Rows as the sampler batches them: the unconditional one first.
            NDArray x = sample(m, 1).repeat(0, 2);
            NDArray t = timesteps(m, 2);
            NDArray context = negative.concat(instances.get("0:1"), 0);
            HookContext where = new HookContext(new ModelStep(0, 10, 500, 1), List.of(
                    new HookContext.BatchPart(0, 1, true, entry()),
                    new HookContext.BatchPart(1, 1, false, entry())));

            // One pass per row and instance, written out with the UNet's pieces.
            NDArray masks = BoxMasks.encoderInput(m, layout, LATENT * 8, LATENT * 8, true, DataType.FLOAT32);
            NDArray embeddings = encoder.encode(masks);
            NDArray temb = unet.timeEmbedding(t.get("0:1"), 1);
            NDArray h = unet.convIn(x.get("0:1"));
            NDList[][] separate = new NDList[2][3];
            for (int row = 0; row < 2; row++) {
                for (int i = 0; i < 3; i++) {
                    // The unconditional row takes its own (negative) context for every instance.
                    NDArray ctx = row == 0 ? negative : instances.get(i + ":" + (i + 1));
                    UNetFeatures f = unet.encode(h.add(embeddings.get(i + ":" + (i + 1))), temb, ctx);
                    separate[row][i] = new NDList(f.skips());
                    separate[row][i].add(f.middle());
                }
            }
            for (Fusion fusion : Fusion.values()) {
                MigHook hook = new MigHook(encoder, layout, InstanceEmbeddings.of(instances), fusion, 1);
                NDList batched = HookedUNet.features(unet, List.of(hook), x, t, context, where);
                for (int row = 0; row < 2; row++) {
                    for (int k = 0; k < batched.size(); k++) {
                        NDArray expected = combine(fusion, layout, separate[row], k, m);
                        NDArray actual = batched.get(k).get(row + ":" + (row + 1));
                        double error = relative(actual, expected);
                        assertTrue(error < 1e-5, fusion + " row " + row + " feature " + k + ": " + error);
                    }
                }
            }
        }
    }

    /** The fusion formulas written out per feature map from the separate passes. */
    static NDArray combine(Fusion fusion, Layout layout, NDList[] separate, int k, NDManager m) {
        NDArray f0 = separate[0].get(k);
        NDArray f1 = separate[1].get(k);
        NDArray f2 = separate[2].get(k);
        return switch (fusion) {
            case SUM -> f0.add(f1).add(f2);
            case AVG -> f0.add(f1).add(f2).div(3f);
            case MASK -> {
                int fh = (int) f0.getShape().get(2);
                int fw = (int) f0.getShape().get(3);
                NDArray boxes = BoxMasks.masks(m, layout, LATENT * 8, LATENT * 8, fw, fh, false, DataType.FLOAT32);
                NDArray m1 = boxes.get("0:1");
                NDArray m2 = boxes.get("1:2");
                NDArray c = m1.add(m2);
                NDArray w0 = c.neg().add(1f).maximum(0f);
                yield f0.mul(w0).add(f1.mul(m1)).add(f2.mul(m2)).div(c.maximum(1f));
            }
        };
    }

    @Test
    void maskFusionLeavesFeaturesOutsideAllBoxesEqualToTheGlobalPass() {
        try (NDManager m = manager.newSubManager()) {
            MaskEncoder encoder = released();
            Layout layout = twoBoxes();
            NDArray instances = Tiny.random(m, 21, 1f, 3, 77, 32);
            MigHook hook = new MigHook(encoder, layout, InstanceEmbeddings.of(instances), Fusion.MASK, 1);
            NDArray x = sample(m, 1);
            NDArray t = timesteps(m, 1);
            NDArray global = instances.get("0:1");
            NDList fused = HookedUNet.features(unet, List.of(hook), x, t, global, conditional(1));

            NDArray emb0 = encoder.encode(BoxMasks.encoderInput(m, Layout.of("g", List.of()), LATENT * 8, LATENT * 8,
                    true, DataType.FLOAT32));
            UNetFeatures alone = unet.encode(unet.convIn(x).add(emb0), unet.timeEmbedding(t, 1), global);
            NDList globalPass = new NDList(alone.skips());
            globalPass.add(alone.middle());
            int checkedLevels = 0;
            for (int k = 0; k < fused.size(); k++) {
                NDArray f = fused.get(k);
                int fh = (int) f.getShape().get(2);
                int fw = (int) f.getShape().get(3);
                NDArray outside = BoxMasks.masks(m, layout, LATENT * 8, LATENT * 8, fw, fh, false, DataType.FLOAT32)
                        .sum(new int[] {0}).eq(0f);
                long cells = outside.toType(DataType.INT32, false).sum().toType(DataType.INT64, false).getLong();
                assertTrue(cells > 0, "feature " + k + " (" + fh + "x" + fw + ") has cells outside every box");
                assertTrue(cells < (long) fh * fw, "feature " + k + " has cells inside a box");
                NDArray diff = f.sub(globalPass.get(k)).abs().mul(outside.toType(DataType.FLOAT32, false));
                // Equal up to the rounding of a batch of 3 against a batch of 1 (different GEMM blocking).
                float scale = globalPass.get(k).abs().max().getFloat();
                assertTrue(diff.max().getFloat() <= 1e-5f * scale, "feature " + k + " outside the boxes differs by "
                        + diff.max().getFloat() + " (features up to " + scale + ")");
                NDArray insideDiff = f.sub(globalPass.get(k)).abs().max();
                assertTrue(insideDiff.getFloat() > 1e-3, "inside the boxes the instances change feature " + k);
                checkedLevels++;
            }
            assertEquals(fused.size(), checkedLevels);
        }
    }

    @Test
    void thePapersConcatenationVariantIsConvInOverLatentAndEmbeddingConcatenated() {
        try (NDManager m = manager.newSubManager()) {
            NDArray w = checkpoint.unetWeights().get("conv_in.weight", new Shape(16, 4, 3, 3));
            NDArray b = checkpoint.unetWeights().get("conv_in.bias", new Shape(16));
            MaskEncoder encoder = MaskEncoder.read(Tiny.paperEncoder(dir.resolve("paper.safetensors"), m, 40,
                    w.duplicate(), b.duplicate()), m);
            assertEquals(MaskEncoder.Injection.CONCAT, encoder.injection());
            assertEquals(1, encoder.maskChannels());
            assertEquals(64, encoder.embeddingChannels());
            assertEquals(8, encoder.downscale());
            assertEquals(4, encoder.latentChannels());

            NDArray global = Tiny.random(m, 41, 1f, 1, 77, 32);
            MigHook hook = new MigHook(encoder, Layout.of("g", List.of()), InstanceEmbeddings.of(global), Fusion.AVG,
                    1);
            NDArray x = sample(m, 1);
            NDArray t = timesteps(m, 1);
            NDArray hooked = HookedUNet.forward(unet, List.of(hook), x, t, global, conditional(1));

            NDArray mask = BoxMasks.pixelMasks(m, Layout.of("g", List.of()), LATENT * 8, LATENT * 8, true,
                    DataType.FLOAT32).expandDims(1);
            NDArray embedding = encoder.encode(mask);
            NDArray widened = m.create(new Shape(0));
            try (dev.tessera.tensor.safetensors.SafetensorsFile st =
                    dev.tessera.tensor.safetensors.SafetensorsFile.open(dir.resolve("paper.safetensors"))) {
                widened = st.load("conv_in.weight", m);
            }
            NDArray concatenated = NDArrays.concat(new NDList(x, embedding), 1);
            NDArray h = concatenated.getNDArrayInternal().convolution(concatenated, widened, b, new Shape(1, 1),
                    new Shape(1, 1), new Shape(1, 1), 1).singletonOrThrow();
            NDArray temb = unet.timeEmbedding(t, 1);
            NDArray expected = unet.decode(unet.encode(h, temb, global), temb, global);
            assertTrue(relative(hooked, expected) < 1e-5, "relative error " + relative(hooked, expected));
            assertTrue(relative(hooked, unet.forward(x, t, global)) > 1e-3, "the embedding changes the prediction");
        }
    }

    @Test
    void betaGuidesTheHighNoiseShareOfTheModelsTimestepRange() {
        // SD1.x timesteps 0..999: beta 0.7 cuts at 999 - 0.7 * 999 = 299.7, so 300 is guided and 299 is not.
        assertTrue(MigHook.isGuided(999, 0, 999, 0.7));
        assertTrue(MigHook.isGuided(300, 0, 999, 0.7));
        assertTrue(MigHook.isGuided(299.7, 0, 999, 0.7), "the boundary itself is guided");
        assertFalse(MigHook.isGuided(299.69, 0, 999, 0.7));
        assertFalse(MigHook.isGuided(299, 0, 999, 0.7));
        // beta 0.5 of 0..1000 cuts exactly at 500: the cut is inclusive.
        assertTrue(MigHook.isGuided(500, 0, 1000, 0.5));
        assertFalse(MigHook.isGuided(499.999, 0, 1000, 0.5));
        assertFalse(MigHook.isGuided(999, 0, 999, 0), "beta 0 guides nothing, not even the top");
        assertTrue(MigHook.isGuided(0, 0, 999, 1), "beta 1 guides everything");
        // A range that does not start at 0 (a flow model's 0..1, say): 0.25 of [0, 1] from the top is [0.75, 1].
        assertTrue(MigHook.isGuided(0.75, 0, 1, 0.25));
        assertFalse(MigHook.isGuided(0.74, 0, 1, 0.25));

        MigHook hook = new MigHook(released(), twoBoxes(),
                InstanceEmbeddings.of(Tiny.random(manager, 1, 1f, 3, 77, 32)), Fusion.MASK, 0.5);
        // Step indices do not matter: 499.5 is the cut of 0..999 at beta 0.5, whatever step of whatever run.
        assertTrue(hook.activeAt(new ModelStep(9, 10, 500, 1, 0, 999)));
        assertFalse(hook.activeAt(new ModelStep(0, 10, 499, 1, 0, 999)));
        MigLoraException noRange = assertThrows(MigLoraException.class,
                () -> hook.activeAt(new ModelStep(0, 10, 999, 14.6)));
        assertTrue(noRange.getMessage().contains("timestep range"), noRange.getMessage());
        MigHook always = new MigHook(released(), twoBoxes(),
                InstanceEmbeddings.of(Tiny.random(manager, 1, 1f, 3, 77, 32)), Fusion.MASK, 1);
        assertTrue(always.activeAt(new ModelStep(0, 1, 0, 0.03)), "beta 1 needs no range");
    }

    @Test
    void theHookBatchesEveryInstanceIntoOneEncoderCall() {
        try (NDManager m = manager.newSubManager()) {
            MigHook hook = new MigHook(released(), twoBoxes(), InstanceEmbeddings.of(Tiny.random(m, 2, 1f, 3, 77,
                    32)), Fusion.AVG, 1);
            int[] calls = {0};
            long[] rows = {0};
            ForwardHook counter = new ForwardHook() {
                @Override public String key() { return "count"; }
                @Override public java.util.Set<String> points() {
                    return java.util.Set.of(dev.tessera.model.api.HookPoints.UNET_ENCODE);
                }
                @Override public NDList around(String point, NDList inputs, Stage next, HookContext context) {
                    calls[0]++;
                    rows[0] = inputs.get(0).getShape().get(0);
                    return next.run(inputs);
                }
            };
            // The counter is inner (added first): it sees what the MIG hook hands to the encoder.
            NDArray x = sample(m, 2);
            HookedUNet.forward(unet, List.of(counter, hook), x, timesteps(m, 2), Tiny.random(m, 3, 1f, 2, 77, 32),
                    conditional(2));
            assertEquals(1, calls[0]);
            assertEquals(6, rows[0], "2 rows x 3 instances in one call");
        }
    }

    /**
     * With a run cache (what a sampler's bound model passes) the mask embedding, fusion weights and instance
     * embeddings are made at the first step and reused: every step's output is exactly the one-off call's, the cache
     * holds the same entries however many steps run, and closing it (the run's end) frees them.
     */
    @Test
    void aRunCacheGivesTheSameStepsAndHoldsOneCopyUntilTheRunEnds() {
        try (NDManager m = manager.newSubManager()) {
            for (Fusion fusion : List.of(Fusion.MASK, Fusion.AVG)) {
                NDArray instances = Tiny.random(m, 21, 1f, 3, 77, 32);
                MigHook hook = new MigHook(released(), twoBoxes(), InstanceEmbeddings.of(instances), fusion, 1);
                NDArray x = sample(m, 2);
                NDArray t = timesteps(m, 2);
                NDArray ctx = Tiny.random(m, 5, 1f, 2, 77, 32);
                List<HookContext.BatchPart> parts = List.of(new HookContext.BatchPart(0, 1, true, entry()),
                        new HookContext.BatchPart(1, 1, false, entry()));
                NDArray alone = HookedUNet.forward(unet, List.of(hook), x, t, ctx,
                        new HookContext(new ModelStep(0, 3, 500, 1), parts));
                RunCache run = new RunCache(m);
                int entries = -1;
                for (int step = 0; step < 3; step++) {
                    HookContext where = new HookContext(new ModelStep(step, 3, 500, 1), parts, run);
                    NDArray out = dev.tessera.tensor.TensorScope.keep(
                            () -> HookedUNet.forward(unet, List.of(hook), x, t, ctx, where));
                    assertEquals(0f, out.sub(alone).abs().max().getFloat(), fusion + " step " + step);
                    if (step == 0) {
                        entries = run.size();
                        // The embedding and the instances, plus one set of fusion weights per feature size.
                        assertTrue(entries >= 2, "entries " + entries);
                    }
                    assertEquals(entries, run.size(), "a later step adds nothing to the run cache");
                }
                NDArray held = run.get(List.of(hook, "embedding", LATENT * 8, LATENT * 8, DataType.FLOAT32,
                        x.getDevice()), () -> {
                            throw new AssertionError("the embedding was cached under its key");
                        }).get(0);
                run.close();
                assertTrue(held.isReleased(), "the run's end frees what it cached");
                assertThrows(IllegalStateException.class, () -> run.get("k", NDList::new));
            }
        }
    }
}
