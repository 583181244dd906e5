package dev.tessera.contextgen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** A user's RGBA layout image as the released code reads it, values written by hand from its rules. */
class LayoutImageTest {

    @Test
    void alphaIsBinarizedAtHalfAndTransparentAreasTurnGrey() {
        // Alpha 255, 128, 127, 0: 128 / 255 >= 0.5 keeps the pixel, 127 / 255 < 0.5 makes it 0 in [-1, 1] = grey.
        int[] rgb = {255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30};
        float[] out = LayoutImage.fromRgba8(2, 2, rgb, new int[] {255, 128, 127, 0}, 2, 2);
        assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f}, out);
        // Without alpha (a graph IMAGE, an RGB file) the image is opaque.
        float[] opaque = LayoutImage.fromRgba8(2, 2, rgb, null, 2, 2);
        assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1, 10 / 255f, 20 / 255f, 30 / 255f}, opaque);
    }

    @Test
    void anotherSizeIsResizedLanczosForColourAndNearestForAlpha() {
        // 2x1 -> 4x1: the constant colour stays (LANCZOS weights sum to one); alpha NEAREST reads source
        // floor(0.25 + 0.5 x) = 0, 0, 1, 1, so the right half (alpha 0) turns grey.
        int[] rgb = {200, 100, 50, 200, 100, 50};
        float[] out = LayoutImage.fromRgba8(2, 1, rgb, new int[] {255, 0}, 4, 1);
        float r = 200 / 255f, g = 100 / 255f, b = 50 / 255f;
        assertArrayEquals(new float[] {r, g, b, r, g, b, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f}, out);
        // A float IMAGE of the output size is taken as it is; another size goes through 8 bits.
        float[] same = {0.123f, 0.5f, 0.8f};
        assertArrayEquals(same, LayoutImage.fromRgb(1, 1, same, 1, 1));
        assertArrayEquals(new float[] {31 / 255f, 128 / 255f, 204 / 255f, 31 / 255f, 128 / 255f, 204 / 255f},
                LayoutImage.fromRgb(1, 1, same, 2, 1));
        assertThrows(InvalidContextGenInputException.class, () -> LayoutImage.fromRgba8(2, 2, rgb, null, 2, 2));
    }
}
