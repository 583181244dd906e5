package dev.tessera.contextgen;

import java.util.ArrayList;
import java.util.List;

/**
 * Composites ContextGen's layout image from the references when the user gives none. Each reference is cut to the
 * bounding box of its foreground (alpha >= 0.5), scaled keeping its aspect so that its area equals its box's
 * (the released "instance-fit"), centred on the box, and pasted where its scaled mask is set; pasting follows
 * {@link LayerOrder} (later on top). Uncovered pixels are mid-grey (0.5), the zero of the VAE's [-1, 1] input.
 * Heap arrays in, heap arrays out; the node turns them into an IMAGE on its device.
 */
public final class LayoutCompositor {

    /** The background of the layout image: 0 in the VAE's [-1, 1] range. */
    public static final float BACKGROUND = 0.5f;

    /** A reference and its instance's box in canvas pixels. */
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

    /** One reference placed on the canvas (before any layering). */
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
        if (fx2 < 0) return new Layer(rgb, mask); // alpha never reaches 0.5: nothing to paste
        int cw = fx2 - fx1 + 1;
        int ch = fy2 - fy1 + 1;
        double boxW = p.x2() - p.x1();
        double boxH = p.y2() - p.y1();
        double s = Math.sqrt(boxW * boxH / ((double) cw * ch));
        int nw = Math.max(1, (int) (cw * s));
        int nh = Math.max(1, (int) (ch * s));
        float[] src = ref.rgb();
        float[] scaledRgb = bilinear(src, rw, fx1, fy1, cw, ch, 3, nw, nh, false);
        float[] scaledMask = bilinear(alpha, rw, fx1, fy1, cw, ch, 1, nw, nh, true);
        int cy = (int) Math.floor((p.y1() + p.y2()) / 2);
        int cx = (int) Math.floor((p.x1() + p.x2()) / 2);
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
