package dev.tessera.sd.nodes.internal.nodes;

import static dev.tessera.sd.nodes.internal.nodes.TinyGuided.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.tessera.model.api.Conditioning;
import dev.tessera.image.MaskBatch;
import dev.tessera.sd.nodes.internal.ConditioningMask;
import dev.tessera.testing.Closeness;
import dev.tessera.testing.MapInputs;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ConditioningSetMask on the tiny SD1.5 (64 x 64 pixels, an 8 x 8 latent): ComfyUI weighs each cell of a masked entry
 * by the mask (resized to the latent) times mask_strength times strength, unfaded; "mask bounds" runs the entry on the
 * mask's bounding box only. Expected predictions are the model run by hand and mixed by those rules.
 */
class MaskConditioningTest {

    @TempDir
    Path home;
    private TinyGuided tiny;
    private BadInputTest.Loaded loaded;
    private NDManager m;

    @BeforeEach
    void setUp() {
        tiny = new TinyGuided(home);
        loaded = tiny.loaded;
        m = tiny.m;
    }

    @AfterEach
    void tearDown() throws Exception {
        tiny.close();
    }

    /** A 64 x 64 pixel mask, 1 on the right half: resized to 8 cells (each reads pixels 8i+3 and 8i+4), 1 on 4..7. */
    private MaskBatch rightHalf() {
        float[] v = new float[64 * 64];
        for (int y = 0; y < 64; y++) {
            for (int x = 32; x < 64; x++) {
                v[y * 64 + x] = 1f;
            }
        }
        return MaskBatch.of(m, m.create(v, new Shape(1, 64, 64)));
    }

    private Conditioning mask(Conditioning in, MaskBatch mask, double strength, String area) {
        return tiny.run(new ConditioningSetMaskNode(tiny.graph.runtime), new MapInputs()
                .with("conditioning", in).with("mask", mask).with("strength", strength).with("set_cond_area", area));
    }

    private static NDArray left(NDArray a) {
        return a.get(new NDIndex(":, :, :, 0:4"));
    }

    private static NDArray right(NDArray a) {
        return a.get(new NDIndex(":, :, :, 4:8"));
    }

    @Test
    void theNodeStoresComfyUisValues() {
        try (MaskBatch half = rightHalf(); Conditioning c = mask(loaded.positive, half, 0.7, "mask bounds")) {
            Conditioning.Entry e = c.entries().get(0);
            assertEquals(new Shape(1, 64, 64), ((NDArray) e.extras().get(ConditioningMask.KEY)).getShape());
            assertEquals(true, e.extras().get(ConditioningMask.TO_BOUNDS));
            assertEquals(0.7, e.extras().get(ConditioningMask.STRENGTH));
        }
    }

    @Test
    void aBatchOfMasksIsRefusedNamingTheInput() {
        try (MaskBatch two = MaskBatch.of(m, m.ones(new Shape(2, 8, 8)))) {
            dev.tessera.graph.api.NodeException e = org.junit.jupiter.api.Assertions.assertThrows(
                    dev.tessera.graph.api.NodeException.class, () -> mask(loaded.positive, two, 1.0, "default"));
            assertTrue(e.getMessage().contains("mask") && e.getMessage().contains("2 masks"), e.getMessage());
        }
    }

    /** Default: the masked prompt runs on the whole latent; right half (c + 2 n) / 3, left half c. */
    @Test
    void aMaskWeighsTheEntryPerCell() {
        m.getEngine().setRandomSeed(31);
        NDArray x = m.randomNormal(new Shape(1, 4, 8, 8));
        try (MaskBatch half = rightHalf(); Conditioning masked = mask(loaded.negative, half, 2.0, "default");
                Conditioning both = tiny.combine(loaded.positive, masked)) {
            NDArray out = tiny.predict(both, x);
            NDArray c = tiny.predict(loaded.positive, x);
            NDArray n = tiny.predict(loaded.negative, x);
            assertClose(left(c), left(out), "left");
            assertClose(right(c).add(right(n).mul(2f)).div(3f), right(out), "right");
        }
    }

    /** "mask bounds": the masked prompt runs on the right half's crop alone, then weighs as above. */
    @Test
    void maskBoundsRunTheEntryOnTheBoundingBox() {
        m.getEngine().setRandomSeed(32);
        NDArray x = m.randomNormal(new Shape(1, 4, 8, 8));
        try (MaskBatch half = rightHalf(); Conditioning masked = mask(loaded.negative, half, 2.0, "mask bounds");
                Conditioning both = tiny.combine(loaded.positive, masked)) {
            NDArray out = tiny.predict(both, x);
            NDArray c = tiny.predict(loaded.positive, x);
            NDArray onCrop = tiny.predict(loaded.negative, right(x));
            assertClose(left(c), left(out), "left");
            assertClose(right(c).add(onCrop.mul(2f)).div(3f), right(out), "right");
            double apart = Closeness.relativeError(right(tiny.predict(loaded.negative, x)), onCrop);
            assertTrue(apart > 1e-3, "the crop must predict differently from the whole, or this test shows nothing: "
                    + apart);
        }
    }

    /** A mask of 0.5 everywhere at the latent's own size, strength 1: (c + 0.5 n) / 1.5 on every cell. */
    @Test
    void fractionalMaskValuesAreWeights() {
        m.getEngine().setRandomSeed(33);
        NDArray x = m.randomNormal(new Shape(1, 4, 8, 8));
        try (MaskBatch halfStrength = MaskBatch.of(m, m.full(new Shape(1, 8, 8), 0.5f));
                Conditioning masked = mask(loaded.negative, halfStrength, 1.0, "default");
                Conditioning both = tiny.combine(loaded.positive, masked)) {
            NDArray c = tiny.predict(loaded.positive, x);
            NDArray n = tiny.predict(loaded.negative, x);
            assertClose(c.add(n.mul(0.5f)).div(1.5f), tiny.predict(both, x), "everywhere");
        }
    }
}
