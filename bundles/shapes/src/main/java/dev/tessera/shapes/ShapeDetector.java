package dev.tessera.shapes;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the shapes of the world in an image, with no model (docs/shapes.md explains the numbers):
 *
 * <ol>
 *   <li>The background colour is estimated as the per-channel median of the light, nearly grey pixels. Each
 *       pixel takes the nearest palette colour in RGB (Euclidean, 0..255 per channel) when it is within {@link
 *       #colourTolerance()} of it and nearer to it than to the background, else it is background. So a blurred
 *       edge is cut where it is half colour, half background (where the sharp edge was), whatever the colour;
 *       the tolerance keeps out colours far from the palette. Palette colours are at least 140 apart and 180 or
 *       more from the backgrounds.</li>
 *   <li>Pixels of one colour form 8-connected components; components smaller than {@link #minPixels(int, int)} (a
 *       fraction of the image, 16 pixels at 64 x 64) are dropped as specks.</li>
 *   <li>A component's box is its tight bounding box. Its shape: solidity (pixels over the area of the convex hull
 *       of the pixels' corners) below {@link #STAR_SOLIDITY} is a star (an ideal star of this world has 0.56, a
 *       convex shape 1); otherwise the fill ratio (pixels over box area) splits square (1) from circle (pi/4) at
 *       {@link #SQUARE_FILL} and circle from triangle (1/2) at {@link #CIRCLE_FILL} (the constants say how each
 *       was placed against what drawn and blurred shapes measure). A convex
 *       component filling less than {@link #MIN_FILL} of its box, or a concave one less than {@link
 *       #MIN_STAR_FILL}, fits no shape (shape {@code null}).</li>
 * </ol>
 *
 * <p>Thread-safe: {@link #detect} keeps its work arrays local.
 */
public final class ShapeDetector {

    /** Default colour tolerance: RGB distance to the nearest palette colour. */
    public static final double DEFAULT_COLOUR_TOLERANCE = 120;
    /** Default smallest component, as a fraction of the image's pixels (16 of 64 x 64). */
    public static final double DEFAULT_MIN_AREA_FRACTION = 1 / 256.0;
    /**
     * Below: a star. Midway between an ideal star's 0.556 and a convex shape's 1; also midway between what drawn
     * shapes measure after a 3 x 3 blur and colour drift (stars up to 0.76, triangles from 0.80; unblurred: stars
     * 0.50 to 0.58, convex shapes of sides 14 and more from 0.85).
     */
    public static final double STAR_SOLIDITY = 0.78;
    /**
     * At or above: a square. Midway between pi/4 and 1 would be 0.89, but blur and colour drift round a square's
     * corners (fill down to 0.81) while circles stay at or below 0.83 (drawn: 0.77 to 0.81); 0.86 keeps a margin
     * above the circles and gives the best blurred I-SR (docs/shapes.md).
     */
    public static final double SQUARE_FILL = 0.86;
    /**
     * At or above (and below {@link #SQUARE_FILL}): a circle; below: a triangle. Midway between pi/4 and 1/2 (0.643)
     * and between drawn triangles (at most 0.53; blurred 0.64) and circles (at least 0.77; blurred 0.69).
     */
    public static final double CIRCLE_FILL = 0.65;
    /** A convex component filling less than this of its box (a triangle fills 1/2) fits no shape. */
    public static final double MIN_FILL = 0.3;
    /** A concave component filling less than this of its box (a star fills 0.38) fits no shape. */
    public static final double MIN_STAR_FILL = 0.2;

    /** A background pixel's channels are all at least this. */
    static final int LIGHT_MIN = 150;
    /** And at most this far apart. */
    static final int GREY_SPREAD = 60;

    private static final PaletteColour[] COLOURS = PaletteColour.values();

    private final double colourTolerance;
    private final double minAreaFraction;

    public ShapeDetector() {
        this(DEFAULT_COLOUR_TOLERANCE, DEFAULT_MIN_AREA_FRACTION);
    }

    public ShapeDetector(double colourTolerance, double minAreaFraction) {
        if (!(colourTolerance > 0) || !(minAreaFraction >= 0 && minAreaFraction < 1)) {
            throw new IllegalArgumentException("colour tolerance " + colourTolerance + " and minimum area fraction "
                    + minAreaFraction + ": expected a tolerance > 0 and a fraction in [0, 1)");
        }
        this.colourTolerance = colourTolerance;
        this.minAreaFraction = minAreaFraction;
    }

    public double colourTolerance() {
        return colourTolerance;
    }

    /** The smallest component kept in a {@code width} x {@code height} image (at least 1 pixel). */
    public int minPixels(int width, int height) {
        return Math.max(1, (int) Math.round(minAreaFraction * width * height));
    }

    /** The components of {@code image}, in the order of their first pixel (row-major). */
    public List<Detection> detect(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] rgb = image.getRGB(0, 0, w, h, null, 0, w);
        int[] colour = classify(rgb);
        int minPixels = minPixels(w, h);
        List<Detection> found = new ArrayList<>();
        boolean[] seen = new boolean[w * h];
        int[] queue = new int[w * h];
        int[] rowMin = new int[h];
        int[] rowMax = new int[h];
        for (int start = 0; start < w * h; start++) {
            int c = colour[start];
            if (c < 0 || seen[start]) continue;
            java.util.Arrays.fill(rowMin, Integer.MAX_VALUE);
            java.util.Arrays.fill(rowMax, -1);
            int head = 0;
            int tail = 0;
            queue[tail++] = start;
            seen[start] = true;
            int x1 = w, y1 = h, x2 = -1, y2 = -1;
            while (head < tail) {
                int p = queue[head++];
                int x = p % w;
                int y = p / w;
                x1 = Math.min(x1, x);
                x2 = Math.max(x2, x);
                y1 = Math.min(y1, y);
                y2 = Math.max(y2, y);
                rowMin[y] = Math.min(rowMin[y], x);
                rowMax[y] = Math.max(rowMax[y], x);
                for (int ny = Math.max(0, y - 1); ny <= Math.min(h - 1, y + 1); ny++) {
                    for (int nx = Math.max(0, x - 1); nx <= Math.min(w - 1, x + 1); nx++) {
                        int q = ny * w + nx;
                        if (!seen[q] && colour[q] == c) {
                            seen[q] = true;
                            queue[tail++] = q;
                        }
                    }
                }
            }
            int pixels = tail;
            if (pixels < minPixels) continue;
            double solidity = pixels / hullArea(rowMin, rowMax, y1, y2);
            double fill = pixels / (double) ((x2 - x1 + 1) * (y2 - y1 + 1));
            found.add(new Detection(COLOURS[c], shape(solidity, fill), x1, y1, x2 + 1, y2 + 1, pixels, solidity));
        }
        return found;
    }

    /** The shape class from solidity and fill ratio (see the class comment), or null. */
    static ShapeKind shape(double solidity, double fill) {
        if (solidity < STAR_SOLIDITY) return fill >= MIN_STAR_FILL ? ShapeKind.STAR : null;
        if (fill >= SQUARE_FILL) return ShapeKind.SQUARE;
        if (fill >= CIRCLE_FILL) return ShapeKind.CIRCLE;
        return fill >= MIN_FILL ? ShapeKind.TRIANGLE : null;
    }

    /**
     * Per pixel the index of its palette colour, or -1 for background: the nearest palette colour when the pixel is
     * within the tolerance of it and nearer to it than to the background.
     */
    private int[] classify(int[] rgb) {
        double limit = colourTolerance * colourTolerance;
        int background = background(rgb);
        int[] colour = new int[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            int best = -1;
            int bestDistance = Integer.MAX_VALUE;
            for (int c = 0; c < COLOURS.length; c++) {
                int d = COLOURS[c].distanceSquared(rgb[i]);
                if (d < bestDistance) {
                    bestDistance = d;
                    best = c;
                }
            }
            colour[i] = bestDistance <= limit && bestDistance < distanceSquared(rgb[i], background) ? best : -1;
        }
        return colour;
    }

    /**
     * The image's background colour: per channel the median of its light, nearly grey pixels (every channel at
     * least {@value #LIGHT_MIN}, channels at most {@value #GREY_SPREAD} apart; no palette colour is), or {@link
     * Background#PLAIN_RGB} when fewer than 1% of the pixels are such.
     */
    static int background(int[] rgb) {
        int[][] histogram = new int[3][256];
        int n = 0;
        for (int p : rgb) {
            int r = p >> 16 & 0xFF, g = p >> 8 & 0xFF, b = p & 0xFF;
            int min = Math.min(r, Math.min(g, b));
            int max = Math.max(r, Math.max(g, b));
            if (min >= LIGHT_MIN && max - min <= GREY_SPREAD) {
                histogram[0][r]++;
                histogram[1][g]++;
                histogram[2][b]++;
                n++;
            }
        }
        if (n == 0 || n < rgb.length / 100) return Background.PLAIN_RGB;
        int background = 0;
        for (int c = 0; c < 3; c++) {
            int seen = 0;
            int v = 0;
            while (seen + histogram[c][v] <= n / 2) seen += histogram[c][v++];
            background = background << 8 | v;
        }
        return background;
    }

    private static int distanceSquared(int a, int b) {
        int dr = (a >> 16 & 0xFF) - (b >> 16 & 0xFF);
        int dg = (a >> 8 & 0xFF) - (b >> 8 & 0xFF);
        int db = (a & 0xFF) - (b & 0xFF);
        return dr * dr + dg * dg + db * db;
    }

    /**
     * The area of the convex hull of the component's pixel squares: only the outer corners of each row's leftmost
     * and rightmost pixel can be hull vertices, so a filled rectangle has solidity exactly 1.
     */
    private static double hullArea(int[] rowMin, int[] rowMax, int y1, int y2) {
        long[] xs = new long[4 * (y2 - y1 + 1)];
        long[] ys = new long[xs.length];
        int n = 0;
        for (int y = y1; y <= y2; y++) {
            if (rowMax[y] < 0) continue;
            xs[n] = rowMin[y];
            ys[n++] = y;
            xs[n] = rowMin[y];
            ys[n++] = y + 1;
            xs[n] = rowMax[y] + 1;
            ys[n++] = y;
            xs[n] = rowMax[y] + 1;
            ys[n++] = y + 1;
        }
        return ConvexHull.area(xs, ys, n);
    }
}
