package dev.tessera.shapes;

/**
 * What scenes a {@link SceneGenerator} makes: the canvas, how many objects (inclusive range), the range of a box
 * side in pixels (inclusive), and whether the background varies (a light tint, a gentle gradient and slight noise)
 * or is {@link Background#plain() plain}.
 */
public record SceneConfig(int width, int height, int minObjects, int maxObjects, int minSide, int maxSide,
        boolean backgroundVariation) {

    public SceneConfig {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("scene size " + width + "x" + height + " is not positive");
        }
        if (minObjects < 1 || maxObjects < minObjects) {
            throw new IllegalArgumentException("objects " + minObjects + ".." + maxObjects
                    + ": expected 1 <= minObjects <= maxObjects");
        }
        if (minSide < 4 || maxSide < minSide || maxSide > Math.min(width, height)) {
            throw new IllegalArgumentException("box sides " + minSide + ".." + maxSide + " on " + width + "x" + height
                    + ": expected 4 <= minSide <= maxSide <= the shorter canvas side (smaller shapes cannot be told"
                    + " apart)");
        }
    }

    /** 64 x 64, 1 to 6 objects, sides 14 to 30 pixels, a varied background. */
    public static SceneConfig defaults() {
        return forSize(64, 64);
    }

    /** The defaults scaled to a {@code width} x {@code height} canvas: sides 14/64 to 30/64 of the shorter side. */
    public static SceneConfig forSize(int width, int height) {
        int side = Math.min(width, height);
        return new SceneConfig(width, height, 1, 6, Math.max(4, Math.round(side * 14 / 64f)),
                Math.max(4, Math.round(side * 30 / 64f)), true);
    }

    public SceneConfig withObjects(int min, int max) {
        return new SceneConfig(width, height, min, max, minSide, maxSide, backgroundVariation);
    }

    public SceneConfig withSides(int min, int max) {
        return new SceneConfig(width, height, minObjects, maxObjects, min, max, backgroundVariation);
    }

    public SceneConfig withBackgroundVariation(boolean vary) {
        return new SceneConfig(width, height, minObjects, maxObjects, minSide, maxSide, vary);
    }
}
