package dev.tessera.sd.nodes.internal.nodes;

import static dev.tessera.sd.nodes.internal.nodes.TinyGuided.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.model.api.Conditioning;
import dev.tessera.testing.MapInputs;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ConditioningSetTimestepRange on the tiny SD1.5 (1000 training steps, timesteps 0..999): the guided model leaves an
 * entry out where ComfyUI does. Its rule, worked out by hand: an entry with start s and end e applies while
 * {@code (1 - e) * 999 <= t <= (1 - s) * 999}; for s = 0.2, e = 0.6 that is 399.6 <= t <= 799.2.
 */
class TimestepRangeTest {

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

    private Conditioning range(Conditioning in, double start, double end) {
        return tiny.run(new ConditioningSetTimestepRangeNode(tiny.graph.runtime), new MapInputs()
                .with("conditioning", in).with("start", start).with("end", end));
    }

    @Test
    void theNodeStoresComfyUisPercentages() {
        try (Conditioning c = range(loaded.positive, 0.2, 0.6)) {
            assertEquals(0.2, c.entries().get(0).extras().get(Conditioning.START_PERCENT));
            assertEquals(0.6, c.entries().get(0).extras().get(Conditioning.END_PERCENT));
        }
    }

    /** A whole-sampling prompt plus one limited to [0.2, 0.6]: the mean of both inside, the first alone outside. */
    @Test
    void anEntryCountsOnlyInsideItsRange() {
        m.getEngine().setRandomSeed(21);
        NDArray x = m.randomNormal(new Shape(1, 4, 8, 8));
        try (Conditioning limited = range(loaded.negative, 0.2, 0.6);
                Conditioning both = tiny.combine(loaded.positive, limited)) {
            for (double t : new double[] {800, 799, 400, 399}) {
                NDArray a = tiny.predict(loaded.positive, x, t);
                boolean inside = t >= 399.6 && t <= 799.2;
                NDArray expected = inside ? a.add(tiny.predict(loaded.negative, x, t)).div(2f) : a;
                assertClose(expected, tiny.predict(both, x, t), "t = " + t + (inside ? " (inside)" : " (outside)"));
            }
        }
    }

    /** ComfyUI's composition-then-detail use: one prompt for the first half, another for the second. */
    @Test
    void twoHalvesHandOver() {
        m.getEngine().setRandomSeed(22);
        NDArray x = m.randomNormal(new Shape(1, 4, 8, 8));
        try (Conditioning first = range(loaded.positive, 0, 0.5);
                Conditioning second = range(loaded.negative, 0.5, 1);
                Conditioning both = tiny.combine(first, second)) {
            assertClose(tiny.predict(loaded.positive, x, 999), tiny.predict(both, x, 999), "t = 999");
            assertClose(tiny.predict(loaded.positive, x, 600), tiny.predict(both, x, 600), "t = 600");
            assertClose(tiny.predict(loaded.negative, x, 400), tiny.predict(both, x, 400), "t = 400");
            assertClose(tiny.predict(loaded.negative, x, 0), tiny.predict(both, x, 0), "t = 0");
        }
    }

    /** No entry in range: ComfyUI's sum over a count of 1e-37, a prediction of zeros. */
    @Test
    void noEntryInRangePredictsZeros() {
        m.getEngine().setRandomSeed(23);
        NDArray x = m.randomNormal(new Shape(1, 4, 8, 8));
        try (Conditioning late = range(loaded.positive, 0.5, 1)) {
            NDArray out = tiny.predict(late, x, 900);
            assertEquals(0f, out.abs().max().getFloat());
        }
    }
}
