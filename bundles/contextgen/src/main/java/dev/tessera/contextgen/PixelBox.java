package dev.tessera.contextgen;

/**
 * An instance's box in whole output pixels, half-open {@code [x1, x2) x [y1, y2)}, as the released inference makes
 * it: the box scaled to the output and cast to int32 (inference.py: {@code (bbox * image_size / width)
 * .to(torch.int32)}, truncation toward zero), then clipped to the canvas. The token box and the composite's
 * placement both start from it.
 */
public record PixelBox(int x1, int y1, int x2, int y2) {

    public PixelBox {
        if (x1 < 0 || y1 < 0 || x2 <= x1 || y2 <= y1) {
            throw new IllegalArgumentException("pixel box (" + x1 + ", " + y1 + ", " + x2 + ", " + y2
                    + ") is empty or negative; expected 0 <= x1 < x2 and 0 <= y1 < y2");
        }
    }

    /**
     * The pixel box of {@code x1, y1, x2, y2} (output pixels, fractions allowed) on {@code canvas}: each number
     * truncated toward zero (one within 1e-9 of a whole number counts as that number, so that the float rounding of
     * a normalised box times the output size cannot drop a pixel the authors' integer arithmetic keeps), then
     * clipped to {@code [0, width] x [0, height]}.
     *
     * @param where names the box in errors ({@code "instance 2"})
     * @throws InvalidContextGenInputException naming {@code where} when a number is not finite, or nothing of the
     *     box is left after truncation and clipping (wholly outside the canvas, or thinner than a pixel)
     */
    public static PixelBox of(String where, double x1, double y1, double x2, double y2, TokenGrid canvas) {
        String box = "box (" + x1 + ", " + y1 + ", " + x2 + ", " + y2 + ")";
        if (!(Double.isFinite(x1) && Double.isFinite(y1) && Double.isFinite(x2) && Double.isFinite(y2))) {
            throw new InvalidContextGenInputException(where, box + " has a non-finite number; expected pixels");
        }
        int w = canvas.pixelWidth();
        int h = canvas.pixelHeight();
        int cx1 = clip(truncate(x1), w);
        int cy1 = clip(truncate(y1), h);
        int cx2 = clip(truncate(x2), w);
        int cy2 = clip(truncate(y2), h);
        if (!(cx1 < cx2 && cy1 < cy2)) {
            throw new InvalidContextGenInputException(where, box + " leaves nothing of the " + w + "x" + h
                    + " canvas in whole pixels (" + cx1 + ", " + cy1 + ", " + cx2 + ", " + cy2 + " after truncating"
                    + " and clipping); expected a box that overlaps the canvas by at least a pixel");
        }
        return new PixelBox(cx1, cy1, cx2, cy2);
    }

    /** The method notes' rule on these whole pixels: x1, y1 floored, x2, y2 ceiled after dividing by 16. */
    public TokenBox tokens() {
        int p = TokenGrid.PATCH;
        return new TokenBox(Math.floorDiv(x1, p), Math.floorDiv(y1, p), -Math.floorDiv(-x2, p), -Math.floorDiv(-y2, p));
    }

    static int truncate(double v) {
        double nearest = Math.rint(v);
        double t = Math.abs(v - nearest) <= 1e-9 * Math.max(1, Math.abs(v)) ? nearest : v;
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, t)); // (int) truncates toward zero
    }

    private static int clip(int v, int size) {
        return Math.max(0, Math.min(size, v));
    }
}
