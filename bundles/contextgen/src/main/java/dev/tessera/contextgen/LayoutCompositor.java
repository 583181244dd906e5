package dev.tessera.contextgen;

import java.util.ArrayList;
import java.util.List;

/**
 * Composites ContextGen's layout image from the references when the user gives none. Each reference is cut to its
 * foreground (alpha >= 0.5) as the released code slices it, scaled keeping its aspect so that its area equals its
 * box's (the released "instance-fit"), centred on the box ({@link #place}), and pasted where its scaled mask is set; pasting follows
 * {@link LayerOrder} (later on top). Uncovered pixels are mid-grey (0.5), the zero of the VAE's [-1, 1] input.
 * Heap arrays in, heap arrays out; the node turns them into an IMAGE on its device.
 */
public final class LayoutCompositor {

    /** The background of the layout image: 0 in the VAE's [-1, 1] range. */
    public static final float BACKGROUND = 0.5f;

    /** A reference and its instance's box in canvas pixels (cast to whole pixels by {@link #place}). */
    public record Placement(Reference reference, double x1, double y1, double x2, double y2) {}

    /** One placed instance: its RGB over the canvas and where it covers. */
    public record Layer(float[] rgb, boolean[] mask) {}

    /**
     * @param rgb the composite, {@code [height, width, 3]} in [0, 1]
     * @param coverage where some instance was pasted
     * @param order the paste order (indices into the placements), first underneath
     */
    public record Composite(int width, int height, float[] rgb, boolean[] coverage, int[] order) {}

    private LayoutCompositor() {}

    /** The composite of {@code placements} on a {@code width x height} canvas, in {@link LayerOrder}'s order. */
    public static Composite compose(int width, int height, List<Placement> placements) {
        List<Layer> layers = new ArrayList<>();
        List<boolean[]> masks = new ArrayList<>();
        for (Placement p : placements) {
            Layer layer = place(width, height, p);
            layers.add(layer);
            masks.add(layer.mask());
        }
        int[] order = LayerOrder.order(masks);
        float[] rgb = new float[width * height * 3];
        java.util.Arrays.fill(rgb, BACKGROUND);
        boolean[] coverage = new boolean[width * height];
        for (int i : order) {
            Layer layer = layers.get(i);
            for (int px = 0; px < coverage.length; px++) {
                if (!layer.mask()[px]) continue;
                coverage[px] = true;
                System.arraycopy(layer.rgb(), 3 * px, rgb, 3 * px, 3);
            }
        }
        return new Composite(width, height, rgb, coverage, order);
    }

    /**
     * One reference placed on the canvas (before any layering), as the released image_process.py
     * {@code place_instance_image_and_mask} ("instance-fit") does: the box taken in whole pixels (cast to int, as
     * inference.py casts boxes to int32); the reference cut to its foreground with that function's slice ends,
     * {@code [y1:y2, x1:x2]} over {@code get_valid_mask_region}'s first and last foreground indices, so the last
     * foreground row and column are left out; scaled by {@code sqrt(box area / crop area)} (the quotient in
     * float32, as torch divides an int32 tensor by an int) with each side cast to int (at least 1); centred on
     * {@code ((x1 + x2) // 2, (y1 + y2) // 2)} minus half the scaled size (integer halves).
     */
    public static Layer place(int width, int height, Placement p) {
        Reference ref = p.reference();
        int rw = ref.width();
        float[] alpha = ref.alpha();
        int fx1 = Integer.MAX_VALUE, fy1 = Integer.MAX_VALUE, fx2 = -1, fy2 = -1;
        for (int y = 0; y < ref.height(); y++) {
            for (int x = 0; x < rw; x++) {
                if (alpha[y * rw + x] >= 0.5f) {
                    fx1 = Math.min(fx1, x);
                    fy1 = Math.min(fy1, y);
                    fx2 = Math.max(fx2, x);
                    fy2 = Math.max(fy2, y);
                }
            }
        }
        float[] rgb = new float[width * height * 3];
        boolean[] mask = new boolean[width * height];
        // The crop [fx1, fx2) x [fy1, fy2) (exclusive of the last foreground index, as the released slice is).
        int cw = fx2 - fx1;
        int ch = fy2 - fy1;
        // Nothing to paste: alpha never reaches 0.5, or the foreground is one pixel thin (the released crop is
        // then empty; its interpolate would fail, here the instance adds nothing to the composite).
        if (fx2 < 0 || cw <= 0 || ch <= 0) return new Layer(rgb, mask);
        int bx1 = (int) p.x1(), by1 = (int) p.y1(), bx2 = (int) p.x2(), by2 = (int) p.y2();
        float quotient = (float) ((long) (bx2 - bx1) * (by2 - by1)) / (float) ((long) cw * ch);
        double s = Math.sqrt(quotient);
        int nw = Math.max(1, (int) (cw * s));
        int nh = Math.max(1, (int) (ch * s));
        float[] src = ref.rgb();
        float[] scaledRgb = bilinear(src, rw, fx1, fy1, cw, ch, 3, nw, nh, false);
        float[] scaledMask = bilinear(alpha, rw, fx1, fy1, cw, ch, 1, nw, nh, true);
        int cy = Math.floorDiv(by1 + by2, 2);
        int cx = Math.floorDiv(bx1 + bx2, 2);
        int top = cy - nh / 2;
        int left = cx - nw / 2;
        for (int y = 0; y < nh; y++) {
            int ty = top + y;
            if (ty < 0 || ty >= height) continue;
            for (int x = 0; x < nw; x++) {
                int tx = left + x;
                if (tx < 0 || tx >= width || !(scaledMask[y * nw + x] > 0)) continue;
                int t = ty * width + tx;
                mask[t] = true;
                System.arraycopy(scaledRgb, 3 * (y * nw + x), rgb, 3 * t, 3);
            }
        }
        return new Layer(rgb, mask);
    }

    /**
     * Bilinear resize of the crop {@code (x0, y0, cw, ch)} of a {@code [?, srcW, channels]} image to {@code nw x nh},
     * half-pixel centres and edge clamping (torch's {@code interpolate(mode="bilinear", align_corners=False)}).
     * With {@code binarize} the source is first thresholded at 0.5, as ContextGen binarizes masks.
     */
    static float[] bilinear(float[] src, int srcW, int x0, int y0, int cw, int ch, int channels, int nw, int nh,
            boolean binarize) {
        float[] out = new float[nw * nh * channels];
        double sx = (double) cw / nw;
        double sy = (double) ch / nh;
        for (int y = 0; y < nh; y++) {
            double fy = Math.max(0, (y + 0.5) * sy - 0.5);
            int ya = Math.min((int) fy, ch - 1);
            int yb = Math.min(ya + 1, ch - 1);
            double wy = fy - ya;
            for (int x = 0; x < nw; x++) {
                double fx = Math.max(0, (x + 0.5) * sx - 0.5);
                int xa = Math.min((int) fx, cw - 1);
                int xb = Math.min(xa + 1, cw - 1);
                double wx = fx - xa;
                for (int c = 0; c < channels; c++) {
                    double v00 = sample(src, srcW, x0 + xa, y0 + ya, channels, c, binarize);
                    double v01 = sample(src, srcW, x0 + xb, y0 + ya, channels, c, binarize);
                    double v10 = sample(src, srcW, x0 + xa, y0 + yb, channels, c, binarize);
                    double v11 = sample(src, srcW, x0 + xb, y0 + yb, channels, c, binarize);
                    double top = v00 + (v01 - v00) * wx;
                    double bottom = v10 + (v11 - v10) * wx;
                    out[(y * nw + x) * channels + c] = (float) (top + (bottom - top) * wy);
                }
            }
        }
        return out;
    }

    private static double sample(float[] src, int srcW, int x, int y, int channels, int c, boolean binarize) {
        float v = src[(y * srcW + x) * channels + c];
        return binarize ? (v >= 0.5f ? 1 : 0) : v;
    }
}
