package dev.tessera.contextgen;

/**
 * An image's size in FLUX tokens: the VAE downsamples by 8 and latents are packed 2x2, so one token covers 16x16
 * pixels. Sizes that are not a multiple of 16 are rejected rather than cropped, since cropping would move every box.
 *
 * @param width tokens per row
 * @param height rows
 */
public record TokenGrid(int width, int height) {

    /** Pixels per token side: VAE factor 8 times the 2x2 packing. */
    public static final int PATCH = 16;

    public TokenGrid {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("a token grid is at least 1x1, got " + width + "x" + height);
        }
    }

    /**
     * The grid of a {@code pixelWidth} x {@code pixelHeight} image.
     *
     * @param what names the image in errors ({@code "output"}, {@code "reference 1"})
     * @throws InvalidContextGenInputException naming {@code what} when a side is not a positive multiple of 16
     */
    public static TokenGrid ofPixels(String what, int pixelWidth, int pixelHeight) {
        if (pixelWidth < PATCH || pixelHeight < PATCH || pixelWidth % PATCH != 0 || pixelHeight % PATCH != 0) {
            throw new InvalidContextGenInputException(what, "size " + pixelWidth + "x" + pixelHeight
                    + " is not a multiple of " + PATCH + "; expected width and height multiples of " + PATCH
                    + " (VAE /8, 2x2 packing)");
        }
        return new TokenGrid(pixelWidth / PATCH, pixelHeight / PATCH);
    }

    /** Number of tokens, {@code width * height}. */
    public int tokens() {
        return width * height;
    }

    public int pixelWidth() {
        return width * PATCH;
    }

    public int pixelHeight() {
        return height * PATCH;
    }
}
