package dev.tessera.miglora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.layout.Box;
import dev.tessera.layout.BoxMasks;
import dev.tessera.layout.Instance;
import dev.tessera.layout.Layout;
import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.HookContext;
import dev.tessera.models.sd.HookedUNet;
import dev.tessera.models.sd.UNet2DConditionModel;
import dev.tessera.models.sd.UNetFeatures;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import dev.tessera.sampling.ModelStep;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MIGLoRA's divide/conquer/combine on the pack's tiny SDXL UNet (3 levels, linear projections, added conditioning),
 * checked by the same properties as on SD1.5: every fusion of the batched hook equals separate passes per row and
 * instance written out with the UNet's pieces, each row with its own added conditioning (pooled text and time
 * ids); mask fusion leaves the features outside every box equal to the global pass.
 */
class SdxlMigHookTest {

    static NDManager manager;
    static StableDiffusionCheckpoint checkpoint;
    static UNet2DConditionModel unet;

    /** 16 x 16 latents: the middle block is 4 x 4 and the boxes leave cells outside at every level. */
    static final int LATENT = 16;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
        checkpoint = StableDiffusionCheckpoint.open(dev.tessera.testing.ConformancePack.dir().resolve("sdxl/diffusers"), Device.cpu(),
                DataType.FLOAT32, manager);
        unet = checkpoint.unet();
    }

    @AfterAll
    static void close() {
        checkpoint.close();
        manager.close();
    }

    static Layout twoBoxes() {
        return Layout.of("a red apple and a blue cup", List.of(
                Instance.of("a red apple", new Box(0.0, 0.05, 0.35, 0.4)),
                Instance.of("a blue cup", new Box(0.2, 0.1, 0.55, 0.45))));
    }

    static Conditioning.Entry entry() {
        return new Conditioning.Entry(manager.zeros(new Shape(1, 77, 32)), null);
    }

    /** The added conditioning of one row: a pooled embedding and the time ids of a {@code size} image. */
    static NDArray added(NDManager m, long seed, float size) {
        NDArray ids = m.create(new float[] {size, size, 0, 0, size, size}, new Shape(1, 6));
        return unet.addedConditioning(Tiny.random(m, seed, 1f, 1, 16), ids);
    }

    static double relative(NDArray actual, NDArray expected) {
        double diff = actual.sub(expected).square().sum().getFloat();
        double norm = expected.square().sum().getFloat();
        return Math.sqrt(diff / norm);
    }

    @Test
    void instancesBatchedEqualSeparatePassesWithEachRowsAddedConditioning() {
        try (NDManager m = manager.newSubManager()) {
            MaskEncoder encoder = MaskEncoder.read(Pack.releasedEncoder(), m);
            Layout layout = twoBoxes();
            NDArray instances = Tiny.random(m, 11, 1f, 3, 77, 32);
            NDArray negative = Tiny.random(m, 12, 1f, 1, 77, 32);
            NDArray x = Tiny.random(m, 7, 1f, 1, 4, LATENT, LATENT).repeat(0, 2);
            NDArray t = m.full(new Shape(2), 500f, DataType.FLOAT32);
            NDArray context = negative.concat(instances.get("0:1"), 0);
            // The unconditional row's pooled text and sizes differ from the conditional row's.
            NDArray[] rowAdded = {added(m, 31, 512f), added(m, 32, 1024f)};
            NDArray added = rowAdded[0].concat(rowAdded[1], 0);
            HookContext where = new HookContext(new ModelStep(0, 10, 500, 1), List.of(
                    new HookContext.BatchPart(0, 1, true, entry()),
                    new HookContext.BatchPart(1, 1, false, entry())));

            NDArray embeddings = encoder.encode(BoxMasks.encoderInput(m, layout, LATENT * 8, LATENT * 8, true,
                    DataType.FLOAT32));
            NDArray h = unet.convIn(x.get("0:1"));
            NDList[][] separate = new NDList[2][3];
            for (int row = 0; row < 2; row++) {
                NDArray temb = unet.timeEmbedding(t.get("0:1"), 1, rowAdded[row]);
                for (int i = 0; i < 3; i++) {
                    NDArray ctx = row == 0 ? negative : instances.get(i + ":" + (i + 1));
                    UNetFeatures f = unet.encode(h.add(embeddings.get(i + ":" + (i + 1))), temb, ctx);
                    separate[row][i] = new NDList(f.skips());
                    separate[row][i].add(f.middle());
                }
            }
            for (Fusion fusion : Fusion.values()) {
                MigHook hook = new MigHook(encoder, layout, InstanceEmbeddings.of(instances), fusion, 1);
                NDList batched = HookedUNet.features(unet, List.of(hook), x, t, context, added, where);
                assertEquals(separate[0][0].size(), batched.size());
                for (int row = 0; row < 2; row++) {
                    for (int k = 0; k < batched.size(); k++) {
                        NDArray expected = MigHookPropertiesTest.combine(fusion, layout, separate[row], k, m);
                        double error = relative(batched.get(k).get(row + ":" + (row + 1)), expected);
                        assertTrue(error < 1e-5, fusion + " row " + row + " feature " + k + ": " + error);
                    }
                }
            }
        }
    }

    @Test
    void maskFusionLeavesFeaturesOutsideAllBoxesEqualToTheGlobalPass() {
        try (NDManager m = manager.newSubManager()) {
            MaskEncoder encoder = MaskEncoder.read(Pack.releasedEncoder(), m);
            Layout layout = twoBoxes();
            NDArray instances = Tiny.random(m, 21, 1f, 3, 77, 32);
            MigHook hook = new MigHook(encoder, layout, InstanceEmbeddings.of(instances), Fusion.MASK, 1);
            NDArray x = Tiny.random(m, 7, 1f, 1, 4, LATENT, LATENT);
            NDArray t = m.full(new Shape(1), 500f, DataType.FLOAT32);
            NDArray global = instances.get("0:1");
            NDArray added = added(m, 33, 1024f);
            HookContext where = new HookContext(new ModelStep(0, 10, 500, 1), List.of(
                    new HookContext.BatchPart(0, 1, false, entry())));
            NDList fused = HookedUNet.features(unet, List.of(hook), x, t, global, added, where);

            NDArray emb0 = encoder.encode(BoxMasks.encoderInput(m, Layout.of("g", List.of()), LATENT * 8, LATENT * 8,
                    true, DataType.FLOAT32));
            UNetFeatures alone = unet.encode(unet.convIn(x).add(emb0), unet.timeEmbedding(t, 1, added), global);
            NDList globalPass = new NDList(alone.skips());
            globalPass.add(alone.middle());
            for (int k = 0; k < fused.size(); k++) {
                NDArray f = fused.get(k);
                int fh = (int) f.getShape().get(2);
                int fw = (int) f.getShape().get(3);
                NDArray outside = BoxMasks.masks(m, layout, LATENT * 8, LATENT * 8, fw, fh, false, DataType.FLOAT32)
                        .sum(new int[] {0}).eq(0f);
                long cells = outside.toType(DataType.INT32, false).sum().toType(DataType.INT64, false).getLong();
                assertTrue(cells > 0 && cells < (long) fh * fw, "feature " + k + " has cells in and outside boxes");
                NDArray diff = f.sub(globalPass.get(k)).abs().mul(outside.toType(DataType.FLOAT32, false));
                float scale = globalPass.get(k).abs().max().getFloat();
                assertTrue(diff.max().getFloat() <= 1e-5f * scale, "feature " + k + " outside the boxes differs by "
                        + diff.max().getFloat() + " (features up to " + scale + ")");
                assertTrue(f.sub(globalPass.get(k)).abs().max().getFloat() > 1e-3,
                        "inside the boxes the instances change feature " + k);
            }
        }
    }
}
