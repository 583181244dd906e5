package dev.tessera.layout;

/**
 * An axis-aligned box in normalised canvas coordinates, xyxy with the origin top left: {@code 0 <= x1 < x2 <= 1}
 * and {@code 0 <= y1 < y2 <= 1}. The constructor is strict; {@link #clipped} and {@link #fromPixels} are what
 * readers use: they clip a box that spills over the canvas edge and reject one that is not finite, is degenerate
 * (zero area, {@code x2 < x1}) or lies wholly off the canvas, naming the instance.
 */
public record Box(double x1, double y1, double x2, double y2) {

    /** The whole canvas: the box of the global caption. */
    public static final Box FULL = new Box(0, 0, 1, 1);

    public Box {
        String problem = problem(x1, y1, x2, y2);
        if (problem == null && (x1 < 0 || y1 < 0 || x2 > 1 || y2 > 1)) {
            problem = "box " + describe(x1, y1, x2, y2) + " is outside [0,1]; expected normalised coordinates"
                    + " (use Box.clipped to clip)";
        }
        if (problem != null) {
            throw new InvalidLayoutException(-1, problem);
        }
    }

    /**
     * The box of instance {@code instanceIndex} from normalised numbers, clipped to [0,1].
     *
     * @throws InvalidLayoutException naming the instance when a number is not finite, the box is degenerate, or
     *     nothing of it is left after clipping
     */
    public static Box clipped(int instanceIndex, double x1, double y1, double x2, double y2) {
        String problem = problem(x1, y1, x2, y2);
        if (problem != null) {
            throw new InvalidLayoutException(instanceIndex, problem);
        }
        double cx1 = clamp(x1), cy1 = clamp(y1), cx2 = clamp(x2), cy2 = clamp(y2);
        if (!(cx1 < cx2 && cy1 < cy2)) {
            String hint = Math.max(Math.max(Math.abs(x1), Math.abs(y1)), Math.max(Math.abs(x2), Math.abs(y2))) > 1
                    ? " (numbers above 1 look like pixels: give the frame's width and height)" : "";
            throw new InvalidLayoutException(instanceIndex, "box " + describe(x1, y1, x2, y2)
                    + " lies outside the canvas; expected it to overlap [0,1] x [0,1]" + hint);
        }
        return new Box(cx1, cy1, cx2, cy2);
    }

    /** The box of instance {@code instanceIndex} from pixels of a {@code width} x {@code height} frame, clipped to it. */
    public static Box fromPixels(int instanceIndex, double x1, double y1, double x2, double y2, int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new InvalidLayoutException(instanceIndex, "pixel box " + describe(x1, y1, x2, y2)
                    + " needs the frame's width and height, got " + width + "x" + height + "; expected both > 0");
        }
        String problem = problem(x1, y1, x2, y2);
        if (problem != null) {
            throw new InvalidLayoutException(instanceIndex, "pixel " + problem);
        }
        try {
            return clipped(instanceIndex, x1 / width, y1 / height, x2 / width, y2 / height);
        } catch (InvalidLayoutException e) {
            throw new InvalidLayoutException(instanceIndex, "pixel box " + describe(x1, y1, x2, y2)
                    + " lies outside the " + width + "x" + height + " frame; expected it to overlap the frame");
        }
    }

    public double width() {
        return x2 - x1;
    }

    public double height() {
        return y2 - y1;
    }

    public double area() {
        return width() * height();
    }

    public double centerX() {
        return (x1 + x2) / 2;
    }

    public double centerY() {
        return (y1 + y2) / 2;
    }

    /** The area both boxes cover; 0 when they only touch. */
    public double intersectionArea(Box other) {
        double w = Math.min(x2, other.x2) - Math.max(x1, other.x1);
        double h = Math.min(y2, other.y2) - Math.max(y1, other.y1);
        return w > 0 && h > 0 ? w * h : 0;
    }

    /** Whether the boxes share some area (touching edges do not count). */
    public boolean overlaps(Box other) {
        return intersectionArea(other) > 0;
    }

    /** The smallest box holding both. */
    public Box union(Box other) {
        return new Box(Math.min(x1, other.x1), Math.min(y1, other.y1), Math.max(x2, other.x2), Math.max(y2, other.y2));
    }

    @Override
    public String toString() {
        return describe(x1, y1, x2, y2);
    }

    private static String problem(double x1, double y1, double x2, double y2) {
        String[] names = {"x1", "y1", "x2", "y2"};
        double[] values = {x1, y1, x2, y2};
        for (int i = 0; i < 4; i++) {
            if (!Double.isFinite(values[i])) {
                return "box " + describe(x1, y1, x2, y2) + " has " + names[i] + " = " + values[i]
                        + "; expected finite numbers";
            }
        }
        if (!(x1 < x2)) {
            return "box " + describe(x1, y1, x2, y2) + " has x2 <= x1 (" + (x2 == x1 ? "zero width" : "reversed")
                    + "); expected x1 < x2";
        }
        if (!(y1 < y2)) {
            return "box " + describe(x1, y1, x2, y2) + " has y2 <= y1 (" + (y2 == y1 ? "zero height" : "reversed")
                    + "); expected y1 < y2";
        }
        return null;
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }

    static String describe(double x1, double y1, double x2, double y2) {
        return "(" + Numbers.format(x1) + ", " + Numbers.format(y1) + ", " + Numbers.format(x2) + ", "
                + Numbers.format(y2) + ")";
    }
}
