package dev.tessera.sd.nodes.internal.nodes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.model.api.Conditioning;
import dev.tessera.testing.CpuRuntime;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.RunScope;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * ConditioningConcat and ConditioningAverage on small hand-made conditionings; the expected values are worked out
 * by hand from ComfyUI's nodes.py ({@code torch.cat((t1, cond_from), 1)}; {@code t1 * s + t0 * (1 - s)} with
 * {@code t0} cut or zero-padded to t1's tokens).
 */
class ConditioningMathTest {

    private final CpuRuntime runtime = new CpuRuntime();
    private final RunScope scope = new RunScope();
    private final NDManager m = runtime.newManager("test");

    @AfterEach
    void tearDown() throws Exception {
        m.close();
        scope.close();
        runtime.close();
    }

    /** A one-entry conditioning of {@code [1, tokens, 2]} embeddings (row-major values) and an optional pooled. */
    private Conditioning cond(float[] tokens, float[] pooled, Map<String, Object> extras) {
        NDManager owner = runtime.newManager("cond");
        NDArray e = owner.create(tokens, new Shape(1, tokens.length / 2, 2));
        return Conditioning.owning(owner, List.of(new Conditioning.Entry(e, pooled == null ? null
                : owner.create(pooled, new Shape(1, pooled.length)), extras)));
    }

    private Conditioning concat(Conditioning to, Conditioning from) {
        return (Conditioning) new ConditioningConcatNode(runtime).execute(new MapInputs()
                .with("conditioning_to", to).with("conditioning_from", from), new RecordingContext(scope)).value(0);
    }

    private Conditioning average(Conditioning to, Conditioning from, double strength) {
        return (Conditioning) new ConditioningAverageNode(runtime).execute(new MapInputs()
                .with("conditioning_to", to).with("conditioning_from", from)
                .with("conditioning_to_strength", strength), new RecordingContext(scope)).value(0);
    }

    @Test
    void concatAppendsTheFirstFromEntrysTokensToEachToEntry() {
        try (Conditioning a = cond(new float[] {1, 2, 3, 4}, new float[] {7, 8}, Map.of("strength", 0.5));
                Conditioning b = cond(new float[] {-1, -2}, null, Map.of());
                Conditioning to = concatTwo(a, b);
                Conditioning from = concatTwo(cond(new float[] {5, 6}, new float[] {9, 9}, Map.of()),
                        cond(new float[] {100, 100}, null, Map.of()));
                Conditioning out = concat(to, from)) {
            assertEquals(2, out.entries().size());
            Conditioning.Entry first = out.entries().get(0);
            assertEquals(new Shape(1, 3, 2), first.embeddings().getShape());
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, first.embeddings().toFloatArray());
            assertArrayEquals(new float[] {7, 8}, first.pooled().toFloatArray(), "to's pooled output is kept");
            assertEquals(0.5, first.extras().get("strength"));
            Conditioning.Entry second = out.entries().get(1);
            assertArrayEquals(new float[] {-1, -2, 5, 6}, second.embeddings().toFloatArray(),
                    "only from's first entry is appended");
            assertNull(second.pooled());
        }
        // The inputs were copied, not taken over: closing the output left them usable (checked above by try order).
    }

    /** Two entries in one conditioning, as ConditioningCombine makes them. */
    private Conditioning concatTwo(Conditioning a, Conditioning b) {
        try (a; b) {
            return (Conditioning) new ConditioningCombineNode(runtime).execute(new MapInputs()
                    .with("conditioning_1", a).with("conditioning_2", b), new RecordingContext(scope)).value(0);
        }
    }

    @Test
    void concatRefusesEmbeddingsOfAnotherWidth() {
        try (Conditioning to = cond(new float[] {1, 2}, null, Map.of());
                Conditioning from = Conditioning.owning(runtime.newManager("w3"), List.of(new Conditioning.Entry(
                        runtime.newManager("x").create(new float[] {1, 2, 3}, new Shape(1, 1, 3)), null)))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> concat(to, from));
            assertTrue(e.getMessage().contains("conditioning_from") && e.getMessage().contains("(1, 1, 3)"),
                    e.getMessage());
        }
    }

    /**
     * to = [[1,2],[3,4],[5,6]], from = [[10,20],[30,40]] padded with a zero row, strength 0.25:
     * 0.25 * to + 0.75 * from = [[7.75,15.5],[23.25,31],[1.25,1.5]]; pooled 0.25 * [2,4] + 0.75 * [10,20] = [8,16].
     */
    @Test
    void averageMixesTokensAndPooledAndPadsAShorterFromWithZeros() {
        try (Conditioning to = cond(new float[] {1, 2, 3, 4, 5, 6}, new float[] {2, 4}, Map.of("strength", 2.0));
                Conditioning from = cond(new float[] {10, 20, 30, 40}, new float[] {10, 20}, Map.of());
                Conditioning out = average(to, from, 0.25)) {
            Conditioning.Entry e = out.entries().get(0);
            assertEquals(new Shape(1, 3, 2), e.embeddings().getShape(), "to's token count is kept");
            assertArrayEquals(new float[] {7.75f, 15.5f, 23.25f, 31f, 1.25f, 1.5f}, e.embeddings().toFloatArray(),
                    1e-6f);
            assertArrayEquals(new float[] {8, 16}, e.pooled().toFloatArray(), 1e-6f);
            assertEquals(2.0, e.extras().get("strength"), "to's extras are kept");
        }
    }

    /** A longer from is cut to to's tokens: 0.5 * [1,2] + 0.5 * [10,20] = [5.5,11]; pooled from one side only. */
    @Test
    void averageCutsALongerFromAndTakesWhicheverPooledExists() {
        try (Conditioning to = cond(new float[] {1, 2}, null, Map.of());
                Conditioning from = cond(new float[] {10, 20, 30, 40}, new float[] {10, 20}, Map.of());
                Conditioning out = average(to, from, 0.5);
                Conditioning toPooled = cond(new float[] {1, 2}, new float[] {2, 4}, Map.of());
                Conditioning fromBare = cond(new float[] {10, 20}, null, Map.of());
                Conditioning kept = average(toPooled, fromBare, 0.5);
                Conditioning all = average(toPooled, fromBare, 1.0)) {
            assertArrayEquals(new float[] {5.5f, 11f}, out.entries().get(0).embeddings().toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {10, 20}, out.entries().get(0).pooled().toFloatArray(),
                    "to has no pooled output: from's is taken");
            assertArrayEquals(new float[] {2, 4}, kept.entries().get(0).pooled().toFloatArray(),
                    "from has no pooled output: to's is kept");
            assertArrayEquals(new float[] {1, 2}, all.entries().get(0).embeddings().toFloatArray(), 1e-6f,
                    "strength 1 is to unchanged");
        }
    }
}
