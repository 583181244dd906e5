package dev.tessera.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Pillow's NEAREST resize: the source position accumulated in double from half a step (ImagingScaleAffine). */
class PilNearestTest {

    private static int[] ramp(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) r[i] = i;
        return r;
    }

    @Test
    void sourceIndicesFollowTheAccumulatedPosition() {
        // 4 -> 10: step 0.4 from 0.2; the 8th position sums to 2.9999999999999996, so it reads 2, not 3.
        assertArrayEquals(new int[] {0, 0, 1, 1, 1, 2, 2, 2, 3, 3}, PilResample.resizeNearest(ramp(4), 4, 1, 1, 10, 1));
        // 10 -> 3: 1.67, 5.0, 8.33.
        assertArrayEquals(new int[] {1, 5, 8}, PilResample.resizeNearest(ramp(10), 10, 1, 1, 3, 1));
        // 14 -> 21 repeats index 2 where (x + 0.5) * 14 / 21 would read 3.
        assertArrayEquals(new int[] {0, 1, 1, 2, 2, 3, 4, 5, 5, 6, 7, 7, 8, 9, 9, 10, 10, 11, 12, 12, 13},
                PilResample.resizeNearest(ramp(14), 14, 1, 1, 21, 1));
        // Rows too, and channels move together: a 1x2 two-channel image to 1x4.
        assertArrayEquals(new int[] {1, 2, 1, 2, 3, 4, 3, 4},
                PilResample.resizeNearest(new int[] {1, 2, 3, 4}, 1, 2, 2, 1, 4));
        assertArrayEquals(new int[] {5, 6, 7}, PilResample.resizeNearest(new int[] {5, 6, 7}, 3, 1, 1, 3, 1));
        assertThrows(IllegalArgumentException.class, () -> PilResample.resizeNearest(new int[3], 2, 1, 1, 4, 1));
    }
}
