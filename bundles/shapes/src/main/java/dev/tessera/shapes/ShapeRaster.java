package dev.tessera.shapes;

/**
 * The pixels of a shape filling a {@code width} x {@code height} box: a pixel is drawn when its centre lies in the
 * shape (no anti-aliasing, so colours stay exact), and the pixels holding the points where the shape touches the
 * box's edges (the triangle's apex, the star's tips) are drawn too, with a path of pixels from each to the body,
 * because pixel centres can miss a pointed tip. So the drawn pixels' tight bounding box is always the whole box,
 * and the pixels are one 8-connected piece.
 */
final class ShapeRaster {

    /** The star's inner radius as a fraction of the outer. */
    static final double STAR_INNER = 0.45;

    /** The unit star: 10 vertices, first tip straight up (y grows downwards), then normalised to [0,1]^2. */
    private static final double[][] STAR = unitStar();

    private ShapeRaster() {}

    /** Row-major mask of {@code shape} in a {@code width} x {@code height} box. */
    static boolean[] mask(ShapeKind shape, int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("shape box " + width + "x" + height + " is empty; expected both > 0");
        }
        boolean[] m = new boolean[width * height];
        double w = width;
        double h = height;
        for (int v = 0; v < height; v++) {
            double y = v + 0.5;
            for (int u = 0; u < width; u++) {
                double x = u + 0.5;
                m[v * width + u] = switch (shape) {
                    case SQUARE -> true;
                    case CIRCLE -> sq((x - w / 2) / (w / 2)) + sq((y - h / 2) / (h / 2)) <= 1;
                    case TRIANGLE -> Math.abs(x - w / 2) <= (w / 2) * (y / h);
                    case STAR -> insideStar(x / w, y / h);
                };
            }
        }
        // The points on the box's edges (for the circle the middles of the sides, for the triangle its apex and
        // base corners, for the star its five tips): the pixels holding them, and those on the straight way from
        // each to the shape's centre (an arm's axis, inside the shape), are part of the shape. A pointed tip can be
        // thinner than a pixel, so without this the tight box could be smaller than the box, or a tip cut off.
        double[][] extremes = switch (shape) {
            case SQUARE -> new double[0][];
            case CIRCLE -> new double[][] {{0.5, 0}, {0, 0.5}, {1, 0.5}, {0.5, 1}};
            case TRIANGLE -> new double[][] {{0.5, 0}, {0, 1}, {1, 1}};
            case STAR -> tips();
        };
        // The triangle's centroid; the star's centre sits below the middle of its box (top tip 1 above it, the
        // bottom tips cos 36 degrees below).
        double centreY = switch (shape) {
            case TRIANGLE -> 2 / 3.0;
            case STAR -> 1 / (1 + Math.cos(Math.PI / 5));
            default -> 0.5;
        };
        for (double[] p : extremes) {
            // Steps of at most a quarter pixel: consecutive points lie in the same or 8-adjacent pixels.
            double dx = (0.5 - p[0]) * w;
            double dy = (centreY - p[1]) * h;
            int steps = (int) Math.ceil(4 * Math.max(Math.abs(dx), Math.abs(dy)));
            for (int k = 0; k <= steps; k++) {
                int u = Math.min(width - 1, Math.max(0, (int) Math.floor(p[0] * w + dx * k / steps)));
                int v = Math.min(height - 1, Math.max(0, (int) Math.floor(p[1] * h + dy * k / steps)));
                m[v * width + u] = true;
            }
        }
        return m;
    }

    private static double sq(double v) {
        return v * v;
    }

    /** Even-odd test against the normalised star polygon. */
    private static boolean insideStar(double x, double y) {
        boolean inside = false;
        for (int i = 0, j = STAR.length - 1; i < STAR.length; j = i++) {
            double xi = STAR[i][0], yi = STAR[i][1], xj = STAR[j][0], yj = STAR[j][1];
            if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) inside = !inside;
        }
        return inside;
    }

    private static double[][] tips() {
        double[][] tips = new double[5][];
        for (int k = 0; k < 5; k++) tips[k] = STAR[2 * k];
        return tips;
    }

    private static double[][] unitStar() {
        double[][] p = new double[10][2];
        double minX = Double.MAX_VALUE, minY = Double.MAX_VALUE, maxX = -Double.MAX_VALUE, maxY = -Double.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            double r = i % 2 == 0 ? 1 : STAR_INNER;
            double a = -Math.PI / 2 + i * Math.PI / 5;
            p[i][0] = r * Math.cos(a);
            p[i][1] = r * Math.sin(a);
            minX = Math.min(minX, p[i][0]);
            maxX = Math.max(maxX, p[i][0]);
            minY = Math.min(minY, p[i][1]);
            maxY = Math.max(maxY, p[i][1]);
        }
        for (double[] q : p) {
            q[0] = (q[0] - minX) / (maxX - minX);
            q[1] = (q[1] - minY) / (maxY - minY);
        }
        return p;
    }
}
