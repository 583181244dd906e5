package dev.tessera.shapes;

import java.util.SplittableRandom;

/**
 * A scene's light background: a base colour, a linear gradient of {@code gradient} levels end to end along the
 * direction {@code angle} (radians), and uniform noise of up to {@code noise} levels per channel drawn from
 * {@code noiseSeed}. Kept light and nearly grey, so no background pixel comes near a palette colour.
 */
public record Background(int baseRgb, double angle, int gradient, int noise, long noiseSeed) {

    /** The plain background: one light warm grey. */
    public static final int PLAIN_RGB = 0xF0EEE8;

    public Background {
        if (gradient < 0 || noise < 0) {
            throw new IllegalArgumentException("background gradient " + gradient + " and noise " + noise
                    + " must not be negative");
        }
        if (!Double.isFinite(angle)) {
            throw new IllegalArgumentException("background angle " + angle + " is not finite");
        }
    }

    public static Background plain() {
        return new Background(PLAIN_RGB, 0, 0, 0, 0);
    }

    /**
     * A varied background from {@code random}: each channel 222..245 (at most 23 apart, so it stays nearly grey), a
     * gradient of up to 12 levels in any direction and noise of 3 levels.
     */
    static Background random(SplittableRandom random) {
        int base = 0;
        for (int c = 0; c < 3; c++) base = base << 8 | random.nextInt(222, 246);
        return new Background(base, random.nextDouble(0, 2 * Math.PI), random.nextInt(0, 13), 3, random.nextLong());
    }

    /** Fills {@code pixels} (row-major 0xRRGGBB, {@code width} x {@code height}) with this background. */
    void paint(int[] pixels, int width, int height) {
        double dx = Math.cos(angle);
        double dy = Math.sin(angle);
        // The projection onto the direction spans [-extent, extent] over the canvas, so the gradient runs from
        // -gradient/2 to +gradient/2 whatever the direction.
        double extent = (Math.abs(dx) * (width - 1) + Math.abs(dy) * (height - 1)) / 2;
        SplittableRandom random = new SplittableRandom(noiseSeed);
        int[] base = {baseRgb >> 16 & 0xFF, baseRgb >> 8 & 0xFF, baseRgb & 0xFF};
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double t = extent > 0 ? ((x - (width - 1) / 2.0) * dx + (y - (height - 1) / 2.0) * dy) / extent / 2 : 0;
                int shift = (int) Math.round(t * gradient);
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    int n = noise > 0 ? random.nextInt(-noise, noise + 1) : 0;
                    rgb = rgb << 8 | Math.max(0, Math.min(255, base[c] + shift + n));
                }
                pixels[y * width + x] = rgb;
            }
        }
    }
}
