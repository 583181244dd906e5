package dev.tessera.shapes;

import java.util.Objects;

/**
 * One connected component of one palette colour found by {@link ShapeDetector}: its colour, its shape class
 * ({@code null} when the geometry fits no class), its tight half-open pixel box, its pixel count and its solidity
 * (pixels over the area of their convex hull).
 */
public record Detection(PaletteColour colour, ShapeKind shape, int x1, int y1, int x2, int y2, int pixels,
        double solidity) {

    public Detection {
        Objects.requireNonNull(colour, "colour");
        if (x1 >= x2 || y1 >= y2 || pixels <= 0) {
            throw new IllegalArgumentException("detection box (" + x1 + ", " + y1 + ", " + x2 + ", " + y2
                    + ") with " + pixels + " pixels is empty");
        }
    }

    public PixelBox box() {
        return new PixelBox(x1, y1, x2, y2);
    }

    /** Whether the component's geometry fits a shape class. */
    public boolean classified() {
        return shape != null;
    }

    /** Pixels over box area: about 1 for a square, pi/4 for a circle, 1/2 for a triangle. */
    public double fill() {
        return pixels / (double) box().area();
    }
}
