package dev.tessera.contextgen;

import dev.tessera.image.PilResample;

/**
 * A reference's foreground on its token grid, as ContextGen computes it: the 8-bit alpha resized to the token grid
 * with Pillow's default filter (antialiased bicubic), then {@code > 0}, so every token that holds some alpha (and a
 * thin ring around it, from the bicubic lobes) counts as foreground.
 */
public final class ReferenceForeground {

    private ReferenceForeground() {}

    /**
     * @param alpha8 alpha 0-255, row-major {@code [height, width]}
     * @param width the reference's width in pixels
     * @param height its height in pixels
     * @param grid its token grid
     * @return {@code grid.tokens()} flags, row-major
     */
    public static boolean[] tokenMask(int[] alpha8, int width, int height, TokenGrid grid) {
        if (alpha8.length != width * height) {
            throw new IllegalArgumentException("alpha has " + alpha8.length + " samples for " + width + "x" + height);
        }
        int[] small = PilResample.resize(alpha8, width, height, 1, grid.width(), grid.height(),
                PilResample.Filter.BICUBIC);
        boolean[] fg = new boolean[small.length];
        for (int i = 0; i < small.length; i++) fg[i] = small[i] > 0;
        return fg;
    }
}
