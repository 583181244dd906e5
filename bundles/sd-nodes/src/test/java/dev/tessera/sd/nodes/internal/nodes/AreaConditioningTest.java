package dev.tessera.sd.nodes.internal.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.tessera.model.api.Conditioning;
import dev.tessera.sampling.ModelStep;
import dev.tessera.sd.nodes.internal.ConditioningArea;
import dev.tessera.testing.Closeness;
import dev.tessera.testing.MapInputs;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ConditioningSetArea and ConditioningCombine on the tiny SD1.5: the guided model's prediction against the model run
 * by hand on the crops, and ComfyUI's weighting where areas overlap.
 */
class AreaConditioningTest {

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

    private Conditioning area(Conditioning in, long x, long y, long width, long height, double strength) {
        return tiny.run(new ConditioningSetAreaNode(tiny.graph.runtime), new MapInputs()
                .with("conditioning", in).with("x", x).with("y", y).with("width", width).with("height", height)
                .with("strength", strength));
    }

    private Conditioning percentage(Conditioning in, double x, double y, double width, double height) {
        return tiny.run(new ConditioningSetAreaPercentageNode(tiny.graph.runtime), new MapInputs()
                .with("conditioning", in).with("x", x).with("y", y).with("width", width).with("height", height)
                .with("strength", 1.0));
    }

    /** Two halves, each with its prompt: each half of the prediction is the model on that half alone. */
    @Test
    void disjointAreasArePredictedOnTheirOwnCrops() {
        m.getEngine().setRandomSeed(9);
        NDArray x = m.randomNormal(new Shape(1, 4, 8, 8));
        try (Conditioning left = area(loaded.positive, 0, 0, 32, 64, 1.0);
                Conditioning right = area(loaded.negative, 32, 0, 32, 64, 1.0);
                Conditioning both = tiny.combine(left, right)) {
            assertEquals(2, both.entries().size());
            assertEquals(new ConditioningArea(8, 4, 0, 4), ConditioningArea.of(both.entries().get(1)));
            NDArray out = tiny.predict(both, x);
            NDArray expectedLeft = tiny.predict(loaded.positive, x.get(new NDIndex(":, :, :, 0:4")));
            NDArray expectedRight = tiny.predict(loaded.negative, x.get(new NDIndex(":, :, :, 4:8")));
            double l = Closeness.relativeError(out.get(new NDIndex(":, :, :, 0:4")), expectedLeft);
            double r = Closeness.relativeError(out.get(new NDIndex(":, :, :, 4:8")), expectedRight);
            assertTrue(l < 1e-5 && r < 1e-5, "left " + l + ", right " + r);
        }
    }

    /**
     * A whole-canvas prompt plus an area of strength 2 over the right half (4 cells wide: ComfyUI fades over
     * min(8, 4 / 4) = 1 cell, a factor of 1): there (c + 2 a) / 3, elsewhere c.
     */
    @Test
    void anAreaOverTheWholeCanvasPromptIsItsStrengthWeightedMean() {
        m.getEngine().setRandomSeed(10);
        NDArray x = m.randomNormal(new Shape(1, 4, 8, 8));
        try (Conditioning a = area(loaded.negative, 32, 0, 32, 64, 2.0);
                Conditioning both = tiny.combine(loaded.positive, a)) {
            NDArray out = tiny.predict(both, x);
            NDArray c = tiny.predict(loaded.positive, x);
            NDArray onArea = tiny.predict(loaded.negative, x.get(new NDIndex(":, :, :, 4:8")));
            NDArray expectedRight = c.get(new NDIndex(":, :, :, 4:8")).add(onArea.mul(2f)).div(3f);
            double left = Closeness.relativeError(out.get(new NDIndex(":, :, :, 0:4")),
                    c.get(new NDIndex(":, :, :, 0:4")));
            double right = Closeness.relativeError(out.get(new NDIndex(":, :, :, 4:8")), expectedRight);
            assertTrue(left < 1e-5 && right < 1e-5, "left " + left + ", right " + right);
        }
    }

    /** The right half in fractions predicts as the right half in pixels (4 of 8 cells either way). */
    @Test
    void aPercentageAreaIsTheSameAreaInCells() {
        m.getEngine().setRandomSeed(11);
        NDArray x = m.randomNormal(new Shape(1, 4, 8, 8));
        try (Conditioning cells = tiny.combine(loaded.positive, area(loaded.negative, 32, 0, 32, 64, 1.0));
                Conditioning fractions = tiny.combine(loaded.positive, percentage(loaded.negative, 0.5, 0, 0.5, 1))) {
            assertEquals(null, ConditioningArea.of(fractions.entries().get(1)), "no cells before the latent is known");
            assertEquals(new ConditioningArea(8, 4, 0, 4), ConditioningArea.of(fractions.entries().get(1), 8, 8));
            double e = Closeness.relativeError(tiny.predict(fractions, x), tiny.predict(cells, x));
            assertTrue(e < 1e-6, "relative error " + e);
        }
    }

    /**
     * ComfyUI's rounding of fractions to cells on an 8 x 8 latent: Python's round (half to even: 2.5 -> 2, 3.5 -> 4,
     * 2.4 -> 2) and sides of at least one cell (0.01 * 8 = 0.08 -> 1, while an offset of 0.05 * 8 = 0.4 -> 0).
     */
    @Test
    void percentagesRoundToCellsAsComfyUi() {
        try (Conditioning c = percentage(loaded.positive, 0.05, 0.4375, 0.3125, 0.01);
                Conditioning d = percentage(loaded.positive, 0.3, 0, 0.01, 0.3)) {
            assertEquals(new ConditioningArea(1, 2, 4, 0), ConditioningArea.of(c.entries().get(0), 8, 8));
            assertEquals(new ConditioningArea(2, 1, 0, 2), ConditioningArea.of(d.entries().get(0), 8, 8));
        }
    }

    /** ComfyUI's feathering, written out for a 16-cell area at offset 4 of a 32-cell side: 4 cells each end. */
    @Test
    void weightsFadeOverInnerEdges() {
        ConditioningArea inner = new ConditioningArea(16, 16, 4, 4);
        float[] w = inner.weights(1.0, 32, 32);
        float[] ramp = {0.25f, 0.5f, 0.75f, 1f};
        for (int i = 0; i < 4; i++) {
            assertEquals(ramp[i] * ramp[i], w[i * 16 + i], 1e-7f, "corner diagonal " + i);
            assertEquals(ramp[i], w[8 * 16 + i], 1e-7f, "left edge, row 8, column " + i);
            assertEquals(ramp[i], w[8 * 16 + 15 - i], 1e-7f, "right edge, row 8, column " + (15 - i));
        }
        assertEquals(1f, w[8 * 16 + 8]);
        // At the canvas border nothing fades.
        float[] border = new ConditioningArea(16, 16, 0, 0).weights(2.0, 16, 16);
        for (float v : border) {
            assertEquals(2f, v);
        }
    }

    @Test
    void areasOnAModelWithUNetHooksAreRefusedNamingBoth() {
        dev.tessera.model.api.ForwardHook identity = new dev.tessera.model.api.ForwardHook() {
            @Override public String key() { return "identity"; }
            @Override public java.util.Set<String> points() {
                return java.util.Set.of(dev.tessera.model.api.HookPoints.UNET_PREDICTION);
            }
            @Override public boolean activeAt(ModelStep step) { return true; }
            @Override
            public ai.djl.ndarray.NDList around(String point, ai.djl.ndarray.NDList inputs, Stage next,
                    dev.tessera.model.api.HookContext context) {
                return next.run(inputs);
            }
        };
        try (Conditioning left = area(loaded.positive, 0, 0, 32, 64, 1.0);
                dev.tessera.model.api.DiffusionModel hooked = loaded.model.withPatch(identity)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> hooked.guided(left, null, 1.0, m).close());
            assertTrue(e.getMessage().contains("ConditioningSetArea") && e.getMessage().contains("MIGLoRA"),
                    e.getMessage());
        }
    }
}
