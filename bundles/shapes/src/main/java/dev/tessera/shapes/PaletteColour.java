package dev.tessera.shapes;

import java.util.Optional;

/**
 * The six colours of the world: saturated, at least 140 apart in RGB (blue and cyan are the closest pair) and
 * 45 degrees or more apart in hue, and far from the light, unsaturated backgrounds, so that a detector can tell
 * them apart after blur and colour drift.
 */
public enum PaletteColour {
    RED(220, 30, 30),
    GREEN(30, 170, 50),
    BLUE(30, 60, 220),
    YELLOW(240, 200, 20),
    PURPLE(170, 40, 190),
    CYAN(20, 200, 220);

    private final int r;
    private final int g;
    private final int b;

    PaletteColour(int r, int g, int b) {
        this.r = r;
        this.g = g;
        this.b = b;
    }

    /** 0xRRGGBB. */
    public int rgb() {
        return r << 16 | g << 8 | b;
    }

    public int red() {
        return r;
    }

    public int green() {
        return g;
    }

    public int blue() {
        return b;
    }

    /** The adjective used in phrases. */
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The colour whose {@link #word()} is {@code word} (any case). */
    public static Optional<PaletteColour> fromWord(String word) {
        for (PaletteColour c : values()) {
            if (c.word().equalsIgnoreCase(word.strip())) return Optional.of(c);
        }
        return Optional.empty();
    }

    /** Squared RGB distance from this colour to {@code rgb} (0xRRGGBB). */
    public int distanceSquared(int rgb) {
        int dr = (rgb >> 16 & 0xFF) - r;
        int dg = (rgb >> 8 & 0xFF) - g;
        int db = (rgb & 0xFF) - b;
        return dr * dr + dg * dg + db * db;
    }
}
