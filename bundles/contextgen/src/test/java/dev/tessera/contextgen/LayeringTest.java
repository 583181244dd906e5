package dev.tessera.contextgen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Instance Layering Prioritization and the composite layout image. */
class LayeringTest {

    static final int W = 64;
    static final int H = 48;

    static boolean[] rect(int x1, int y1, int x2, int y2) {
        boolean[] m = new boolean[W * H];
        for (int y = y1; y < y2; y++) for (int x = x1; x < x2; x++) m[y * W + x] = true;
        return m;
    }

    static int position(int[] order, int instance) {
        for (int i = 0; i < order.length; i++) if (order[i] == instance) return i;
        throw new AssertionError("instance " + instance + " missing from " + Arrays.toString(order));
    }

    @Test
    void containedInstancesArePastedAfterTheirContainerWhateverTheirIndex() {
        boolean[] big = rect(0, 0, 40, 40);
        boolean[] small = rect(10, 10, 20, 20);
        assertArrayEquals(new int[] {1, 0}, LayerOrder.order(List.of(small, big)));
        assertArrayEquals(new int[] {0, 1}, LayerOrder.order(List.of(big, small)));
        // A chain: c inside b inside a.
        boolean[] c = rect(12, 12, 14, 14);
        int[] chain = LayerOrder.order(List.of(small, c, big));
        assertTrue(position(chain, 2) < position(chain, 0) && position(chain, 0) < position(chain, 1));
    }

    @Test
    void partialOverlapPutsTheLargerInstanceUnderneathByTheNotesPriority() {
        // A: 20x10 = 200 px, B: 10x10 = 100 px, overlap 5x10 = 50 px. IoU = 50 / 250 = 0.2.
        boolean[] a = rect(0, 0, 20, 10);
        boolean[] b = rect(15, 0, 25, 10);
        // priority A = 1 - (200/300 + 0.1*0.2) = 0.3133; B = 1 - (100/300 + 0.02) = 0.6467: A first (underneath).
        assertArrayEquals(new int[] {0, 1}, LayerOrder.order(List.of(a, b)));
        assertArrayEquals(new int[] {1, 0}, LayerOrder.order(List.of(b, a)));
    }

    @Test
    void aContainedInstanceWaitsForItsContainerEvenWhenItsPriorityIsLower() {
        // big contains small; mid partially overlaps small and is larger than it. Without containment small would be
        // ordered by priority only; with it, small can only come after big.
        boolean[] big = rect(0, 0, 30, 30);
        boolean[] small = rect(20, 20, 28, 28);
        boolean[] mid = rect(24, 24, 60, 46);
        int[] order = LayerOrder.order(List.of(small, mid, big));
        assertTrue(position(order, 2) < position(order, 0), Arrays.toString(order));
        assertEquals(3, order.length);
    }

    @Test
    void inferenceOrderIsDeterministicAndTrainingJitterNeverBreaksContainment() {
        boolean[] big = rect(0, 0, 40, 40);
        boolean[] small = rect(5, 5, 15, 15);
        boolean[] other = rect(30, 20, 60, 45);
        boolean[] empty = new boolean[W * H];
        List<boolean[]> masks = List.of(empty, small, other, big);
        int[] first = LayerOrder.order(masks);
        for (int i = 0; i < 5; i++) assertArrayEquals(first, LayerOrder.order(masks));
        assertEquals(0, first[first.length - 1], "the empty mask comes last");
        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            int[] jittered = LayerOrder.order(masks, random);
            assertTrue(position(jittered, 3) < position(jittered, 1), Arrays.toString(jittered));
            assertEquals(4, jittered.length);
        }
    }

    @Test
    void identicalMasksPutTheHigherIndexUnderneath() {
        boolean[] m = rect(4, 4, 20, 20);
        assertArrayEquals(new int[] {2, 1, 0}, LayerOrder.order(List.of(m, m.clone(), m.clone())));
    }

    /** A {@code size x size} reference: colour inside the centred {@code fg x fg} square, transparent around it. */
    static Reference square(int size, int fg, float r, float g, float b) {
        float[] rgb = new float[size * size * 3];
        float[] alpha = new float[size * size];
        int o = (size - fg) / 2;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int p = y * size + x;
                rgb[3 * p] = r;
                rgb[3 * p + 1] = g;
                rgb[3 * p + 2] = b;
                alpha[p] = x >= o && x < o + fg && y >= o && y < o + fg ? 1f : 0f;
            }
        }
        return Reference.of("reference", size, size, rgb, alpha);
    }

    static float[] pixel(LayoutCompositor.Composite c, int x, int y) {
        int p = 3 * (y * c.width() + x);
        return new float[] {c.rgb()[p], c.rgb()[p + 1], c.rgb()[p + 2]};
    }

    @Test
    void aReferenceIsCutToItsForegroundScaledToTheBoxAreaAndCentred() {
        // Foreground 16x16 in a 32x32 reference; box 40x40 at (8, 4): scale sqrt(1600/256) = 2.5 -> exactly the box.
        LayoutCompositor.Composite c = LayoutCompositor.compose(W, H,
                List.of(new LayoutCompositor.Placement(square(32, 16, 1, 0, 0), 8, 4, 48, 44)));
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                boolean inside = x >= 8 && x < 48 && y >= 4 && y < 44;
                assertEquals(inside, c.coverage()[y * W + x], x + "," + y);
                assertArrayEquals(inside ? new float[] {1, 0, 0} : new float[] {0.5f, 0.5f, 0.5f}, pixel(c, x, y));
            }
        }
    }

    @Test
    void theCropDropsTheLastForegroundRowAndColumnAndTheBoxIsTakenInWholePixels() {
        // An 8x8 reference, foreground x, y in 2..5, red except its last foreground column and row (5), blue.
        float[] rgb = new float[8 * 8 * 3];
        float[] alpha = new float[8 * 8];
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                int p = y * 8 + x;
                boolean last = x == 5 || y == 5;
                rgb[3 * p] = last ? 0 : 1;
                rgb[3 * p + 2] = last ? 1 : 0;
                alpha[p] = x >= 2 && x <= 5 && y >= 2 && y <= 5 ? 1 : 0;
            }
        }
        Reference ref = Reference.of("reference", 8, 8, rgb, alpha);
        // Released rules by hand: the crop is [2:5, 2:5] (3x3, the slice end excludes index 5); the box
        // (1.9, 1.9, 8.9, 8.9) is cast to (1, 1, 8, 8), area 49; scale sqrt(49 / 9) -> int(3 * 2.333..) = 7;
        // centre ((1 + 8) // 2, ..) = (4, 4), top-left 4 - 7 // 2 = 1: the paste covers exactly [1, 8) x [1, 8).
        LayoutCompositor.Composite c = LayoutCompositor.compose(16, 16,
                List.of(new LayoutCompositor.Placement(ref, 1.9, 1.9, 8.9, 8.9)));
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                boolean inside = x >= 1 && x < 8 && y >= 1 && y < 8;
                assertEquals(inside, c.coverage()[y * 16 + x], x + "," + y);
                float[] expected = inside ? new float[] {1, 0, 0} : new float[] {0.5f, 0.5f, 0.5f};
                float[] got = pixel(c, x, y);
                for (int k = 0; k < 3; k++) assertEquals(expected[k], got[k], 1e-6, x + "," + y);
            }
        }
    }

    @Test
    void containedReferenceStaysVisibleOnTopOfItsContainer() {
        Reference blue = square(32, 32, 0, 0, 1);
        Reference red = square(16, 16, 1, 0, 0);
        for (boolean redFirst : new boolean[] {true, false}) {
            LayoutCompositor.Placement pBlue = new LayoutCompositor.Placement(blue, 0, 0, 48, 48);
            LayoutCompositor.Placement pRed = new LayoutCompositor.Placement(red, 16, 16, 32, 32);
            LayoutCompositor.Composite c = LayoutCompositor.compose(W, H,
                    redFirst ? List.of(pRed, pBlue) : List.of(pBlue, pRed));
            assertArrayEquals(new float[] {1, 0, 0}, pixel(c, 24, 24), "red on top, redFirst=" + redFirst);
            assertArrayEquals(new float[] {0, 0, 1}, pixel(c, 5, 5));
            assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, pixel(c, 60, 5));
        }
    }

    @Test
    void partiallyOverlappingSmallerReferenceGoesOnTop() {
        Reference green = square(32, 32, 0, 1, 0);
        Reference red = square(16, 16, 1, 0, 0);
        LayoutCompositor.Composite c = LayoutCompositor.compose(W, H, List.of(
                new LayoutCompositor.Placement(red, 24, 8, 40, 24), new LayoutCompositor.Placement(green, 0, 0, 32,
                        32)));
        assertArrayEquals(new int[] {1, 0}, c.order());
        assertArrayEquals(new float[] {1, 0, 0}, pixel(c, 28, 12), "overlap shows the smaller instance");
        assertArrayEquals(new float[] {0, 1, 0}, pixel(c, 10, 10));
        assertFalse(c.coverage()[47 * W + 63]);
    }
}
