package dev.tessera.models.dit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.testing.Closeness;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Dense, dense-masked and skipping attention against a plain double-precision implementation on the host. */
class MaskedAttentionTest {

    private static final int BATCH = 2;
    private static final int HEADS = 2;
    private static final int DIM = 8;

    private NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
        manager.getEngine().setRandomSeed(7);
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    /** Two boxes, one overlapping the other, two references with transparent corners: 8 + 2x36 + 2x9 tokens. */
    private static ContextGenLikeMask structured() {
        return new ContextGenLikeMask(8, 6, 6, 3, new int[][] {{0, 0, 3, 4}, {2, 2, 6, 6}});
    }

    @Test
    void skippingAndDenseMatchThePlainDefinitionOnAContextGenMask() {
        ContextGenLikeMask layout = structured();
        AttentionMask mask = layout.mask();
        check(mask);
    }

    @Test
    void skippingAndDenseMatchThePlainDefinitionOnARandomMask() {
        Random random = new Random(3);
        int length = 37;
        boolean[] bits = new boolean[length * length];
        for (int i = 0; i < bits.length; i++) {
            bits[i] = random.nextBoolean() || i % length == 0; // key 0 always allowed: no empty row
        }
        check(AttentionMask.of(bits, length));
    }

    private void check(AttentionMask mask) {
        int length = mask.length();
        Shape shape = new Shape(BATCH, HEADS, length, DIM);
        NDArray q = manager.randomNormal(shape);
        NDArray k = manager.randomNormal(shape);
        NDArray v = manager.randomNormal(shape);
        double[] expected = plain(q.toFloatArray(), k.toFloatArray(), v.toFloatArray(), mask, length);
        double[] dense = doubles(MaskedAttention.attend(q, k, v, mask, null, AttentionMode.DENSE));
        double[] skipping = doubles(MaskedAttention.attend(q, k, v, mask, null, AttentionMode.SKIP));
        double[] denseBias = doubles(MaskedAttention.dense(q, k, v, mask.bias(manager, DataType.FLOAT32)));
        assertTrue(relative(dense, expected) < 1e-6, "dense: " + relative(dense, expected));
        assertTrue(relative(skipping, expected) < 1e-6, "skipping: " + relative(skipping, expected));
        assertTrue(relative(denseBias, expected) < 1e-6, "dense with bias: " + relative(denseBias, expected));
        // Query chunks of 3 rows (a tiny score budget) compute the same rows.
        long threeRows = 3L * BATCH * HEADS * length * Float.BYTES;
        double[] denseChunked = doubles(MaskedAttention.dense(q, k, v, mask.bias(manager, DataType.FLOAT32),
                threeRows));
        double[] skippingChunked = doubles(MaskedAttention.skipping(q, k, v, mask, threeRows));
        assertTrue(relative(denseChunked, expected) < 1e-6, "dense in chunks: " + relative(denseChunked, expected));
        assertTrue(relative(skippingChunked, expected) < 1e-6,
                "skipping in chunks: " + relative(skippingChunked, expected));
        // And the mask mattered: unmasked attention is far from it.
        double[] unmasked = doubles(MaskedAttention.dense(q, k, v, null));
        assertTrue(relative(unmasked, expected) > 1e-2, "the mask should change the result");
    }

    @Test
    void planGroupsRowsWithIdenticalMasksAndListsTheirKeys() {
        ContextGenLikeMask layout = structured();
        AttentionMask mask = layout.mask();
        Set<String> distinct = new HashSet<>();
        for (int q = 0; q < layout.length; q++) {
            StringBuilder row = new StringBuilder();
            for (int k = 0; k < layout.length; k++) {
                row.append(layout.allowed(q, k) ? '1' : '0');
            }
            distinct.add(row.toString());
        }
        AttentionMask.Plan plan = mask.plan();
        assertEquals(distinct.size(), plan.groups().size());
        long entries = 0;
        int rows = 0;
        for (AttentionMask.Group group : plan.groups()) {
            for (int q : group.queries()) {
                rows++;
                for (int k = 0; k < layout.length; k++) {
                    boolean listed = java.util.Arrays.binarySearch(group.keys(), k) >= 0;
                    assertEquals(layout.allowed(q, k), listed, "query " + q + " key " + k);
                }
            }
            entries += (long) group.queries().length * group.keys().length;
        }
        assertEquals(layout.length, rows, "every query row in exactly one group");
        assertEquals(entries, plan.scoreEntries());
        assertTrue(plan.density() < 0.75, "a ContextGen mask leaves much out: " + plan.density());
    }

    @Test
    void autoSkipsLargeStructuredMasksAndNotSmallRandomOnes() {
        // 16 text, 32x32 main and layout, 3 references of 16x16: like ContextGen at a quarter of the side.
        ContextGenLikeMask large = new ContextGenLikeMask(16, 32, 32, 16,
                new int[][] {{0, 0, 16, 16}, {8, 8, 24, 30}, {20, 2, 32, 12}});
        assertTrue(MaskedAttention.skips(large.mask(), AttentionMode.AUTO));
        assertFalse(MaskedAttention.skips(structured().mask(), AttentionMode.AUTO), "few rows per group");
        assertFalse(MaskedAttention.skips(structured().mask(), AttentionMode.DENSE));
        assertTrue(MaskedAttention.skips(structured().mask(), AttentionMode.SKIP));
        AttentionMask all = AttentionMask.of(5, (q, k) -> true);
        assertTrue(all.plan().unmasked());
        assertFalse(MaskedAttention.skips(all, AttentionMode.AUTO));
    }

    @Test
    void aRowThatMaySeeNothingIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AttentionMask.of(4, (q, k) -> q != 2));
        assertTrue(e.getMessage().contains("query row 2 may attend to no key"), e.getMessage());
    }

    @Test
    void badMaskTensorsAreRefused() {
        IllegalArgumentException square = assertThrows(IllegalArgumentException.class,
                () -> AttentionMask.of(manager.ones(new Shape(3, 4), DataType.BOOLEAN)));
        assertTrue(square.getMessage().contains("square [L, L]") && square.getMessage().contains("(3, 4)"),
                square.getMessage());
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> AttentionMask.of(manager.ones(new Shape(3, 3))));
        assertTrue(type.getMessage().contains("boolean"), type.getMessage());
        NDArray q = manager.randomNormal(new Shape(1, 1, 4, DIM));
        IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
                () -> MaskedAttention.attend(q, q, q, AttentionMask.of(5, (a, b) -> true), null, AttentionMode.AUTO));
        assertTrue(length.getMessage().contains("5 x 5") && length.getMessage().contains("4 tokens"),
                length.getMessage());
    }

    @Test
    void float16SkippingMatchesFloat16Dense() {
        AttentionMask mask = structured().mask();
        Shape shape = new Shape(1, HEADS, mask.length(), DIM);
        NDArray q = manager.randomNormal(shape).toType(DataType.FLOAT16, false);
        NDArray k = manager.randomNormal(shape).toType(DataType.FLOAT16, false);
        NDArray v = manager.randomNormal(shape).toType(DataType.FLOAT16, false);
        NDArray dense = MaskedAttention.attend(q, k, v, mask, null, AttentionMode.DENSE);
        NDArray skipping = MaskedAttention.attend(q, k, v, mask, null, AttentionMode.SKIP);
        assertEquals(DataType.FLOAT16, skipping.getDataType());
        double error = relative(doubles(skipping), doubles(dense));
        System.out.printf("float16 skipping vs dense: relative L2 %.2e%n", error);
        assertTrue(error < 2e-3, "float16 skipping vs dense: " + error);
    }

    /** softmax over allowed keys of (q.k / sqrt(D)), times v, in double, one (batch, head, query) at a time. */
    private static double[] plain(float[] q, float[] k, float[] v, AttentionMask mask, int length) {
        double[] out = new double[BATCH * HEADS * length * DIM];
        double scale = 1 / Math.sqrt(DIM);
        for (int bh = 0; bh < BATCH * HEADS; bh++) {
            int base = bh * length * DIM;
            for (int i = 0; i < length; i++) {
                double[] scores = new double[length];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < length; j++) {
                    if (!mask.allowed(i, j)) {
                        continue;
                    }
                    double s = 0;
                    for (int d = 0; d < DIM; d++) {
                        s += q[base + i * DIM + d] * (double) k[base + j * DIM + d];
                    }
                    scores[j] = s * scale;
                    max = Math.max(max, scores[j]);
                }
                double sum = 0;
                for (int j = 0; j < length; j++) {
                    if (mask.allowed(i, j)) {
                        scores[j] = Math.exp(scores[j] - max);
                        sum += scores[j];
                    }
                }
                for (int j = 0; j < length; j++) {
                    if (mask.allowed(i, j)) {
                        for (int d = 0; d < DIM; d++) {
                            out[base + i * DIM + d] += scores[j] / sum * v[base + j * DIM + d];
                        }
                    }
                }
            }
        }
        return out;
    }

    private static double[] doubles(NDArray x) {
        return x.toType(DataType.FLOAT64, true).toDoubleArray();
    }

    private static double relative(double[] a, double[] e) {
        return Closeness.relativeError(a, e);
    }

}
