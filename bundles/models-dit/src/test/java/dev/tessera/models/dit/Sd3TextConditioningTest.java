package dev.tessera.models.dit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * The composition on small hand-made parts, values written out by hand: [L | G | zeros] then T5 along tokens, pooled
 * [L | G]; and parts that do not fit refused naming the part.
 */
class Sd3TextConditioningTest {

    @Test
    void joinsChannelsPadsAndAppendsT5Tokens() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray l = m.create(new float[] {1, 2, 3, 4}, new Shape(1, 2, 2));
            NDArray g = m.create(new float[] {5, 6}, new Shape(1, 2, 1));
            NDArray t5 = m.create(new float[] {7, 7, 7, 7}, new Shape(1, 1, 4));
            NDList out = Sd3TextConditioning.compose(l, m.create(new float[] {8, 9}, new Shape(1, 2)), g,
                    m.create(new float[] {10}, new Shape(1, 1)), t5, new Sd3TextConditioning.Widths(2, 1, 1, 4), m);
            assertEquals(new Shape(1, 3, 4), out.get(0).getShape());
            assertArrayEquals(new float[] {1, 2, 5, 0, 3, 4, 6, 0, 7, 7, 7, 7}, out.get(0).toFloatArray());
            assertArrayEquals(new float[] {8, 9, 10}, out.get(1).toFloatArray());

            // Without CLIP-L: its channels and pooled part are zeros; without T5: no T5 tokens.
            NDList noL = Sd3TextConditioning.compose(null, null, g, m.create(new float[] {10}, new Shape(1, 1)), null,
                    new Sd3TextConditioning.Widths(2, 1, 1, 4), m);
            assertArrayEquals(new float[] {0, 0, 5, 0, 0, 0, 6, 0}, noL.get(0).toFloatArray());
            assertArrayEquals(new float[] {0, 0, 10}, noL.get(1).toFloatArray());
            // Nothing: 77 zero tokens.
            NDList nothing = Sd3TextConditioning.compose(null, null, null, null, null,
                    new Sd3TextConditioning.Widths(2, 1, 1, 4), m);
            assertEquals(new Shape(1, Sd3TextConditioning.EMPTY_TOKENS, 4), nothing.get(0).getShape());

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sd3TextConditioning
                    .compose(l, null, g, null, null, new Sd3TextConditioning.Widths(2, 1, 1, 2), m));
            assertTrue(e.getMessage().contains("more than the T5 width 2"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Sd3TextConditioning.compose(l, null, g, null, t5,
                    new Sd3TextConditioning.Widths(2, 1, 1, 8), m));
            assertTrue(e.getMessage().contains("T5 states (1, 1, 4), expected batch 1 and width 8"), e.getMessage());
        }
    }
}
