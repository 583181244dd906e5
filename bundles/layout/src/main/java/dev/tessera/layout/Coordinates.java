package dev.tessera.layout;

import java.util.Objects;

/**
 * The coordinate convention a reader is told to read (or a writer to write), with the pixel frame when it is
 * {@link CoordinateConvention#PIXEL}. Pixel input without a frame is an error rather than a guess.
 */
public record Coordinates(CoordinateConvention convention, int width, int height) {

    public Coordinates {
        Objects.requireNonNull(convention, "convention");
        if (convention == CoordinateConvention.PIXEL && (width <= 0 || height <= 0)) {
            throw new InvalidLayoutException(-1, "pixel coordinates need the frame's width and height in pixels, got "
                    + width + "x" + height + "; expected both > 0");
        }
        if (convention == CoordinateConvention.NORMALIZED) {
            width = 0;
            height = 0;
        }
    }

    /** Numbers are fractions of the canvas. */
    public static Coordinates normalized() {
        return new Coordinates(CoordinateConvention.NORMALIZED, 0, 0);
    }

    /** Numbers are pixels of a {@code width} x {@code height} frame. */
    public static Coordinates pixels(int width, int height) {
        return new Coordinates(CoordinateConvention.PIXEL, width, height);
    }

    /** The normalised box of instance {@code instanceIndex} from numbers written in this convention, clipped to the canvas. */
    public Box toBox(int instanceIndex, double x1, double y1, double x2, double y2) {
        return convention == CoordinateConvention.PIXEL
                ? Box.fromPixels(instanceIndex, x1, y1, x2, y2, width, height)
                : Box.clipped(instanceIndex, x1, y1, x2, y2);
    }

    /** {@code box} in this convention, as x1, y1, x2, y2. */
    public double[] fromBox(Box box) {
        if (convention == CoordinateConvention.PIXEL) {
            return new double[] {box.x1() * width, box.y1() * height, box.x2() * width, box.y2() * height};
        }
        return new double[] {box.x1(), box.y1(), box.x2(), box.y2()};
    }
}
