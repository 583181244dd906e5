package dev.tessera.models.core.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * Attention over query chunks (forced by a small score budget) computes what one pass computes, with and without an
 * additive bias of the CLIP causal kind, for several heads.
 */
class ChunkedAttentionTest {

    private static double relative(NDArray a, NDArray b) {
        return a.sub(b).norm().getFloat() / b.norm().getFloat();
    }

    @Test
    void chunksOfQueriesEqualOnePass() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(4);
            NDArray q = m.randomNormal(new Shape(2, 37, 16));
            NDArray k = m.randomNormal(new Shape(2, 23, 16));
            NDArray v = m.randomNormal(new Shape(2, 23, 16));
            NDArray whole = ChunkedAttention.multiHead(q, k, v, 4, null, Long.MAX_VALUE);
            // 2 x 4 heads x 23 keys x 4 bytes = 736 bytes per query: a 3000-byte budget gives chunks of 4 queries.
            NDArray chunked = ChunkedAttention.multiHead(q, k, v, 4, null, 3000);
            assertTrue(relative(chunked, whole) < 1e-6, "no bias: " + relative(chunked, whole));

            NDArray self = m.randomNormal(new Shape(1, 29, 8));
            float[] mask = new float[29 * 29];
            for (int row = 0; row < 29; row++) {
                for (int col = row + 1; col < 29; col++) {
                    mask[row * 29 + col] = Float.NEGATIVE_INFINITY;
                }
            }
            NDArray bias = m.create(mask, new Shape(29, 29));
            NDArray wholeBiased = ChunkedAttention.multiHead(self, self, self, 2, bias, Long.MAX_VALUE);
            NDArray chunkedBiased = ChunkedAttention.multiHead(self, self, self, 2, bias, 500);
            assertTrue(relative(chunkedBiased, wholeBiased) < 1e-6, "bias: " + relative(chunkedBiased, wholeBiased));
            // The bias reaches each chunk's own rows: the first query sees only itself.
            NDArray first = chunkedBiased.get("0, 0");
            assertTrue(first.sub(self.get("0, 0")).abs().max().getFloat() < 1e-5, "causal row 0");
        }
    }
}
