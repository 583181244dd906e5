package dev.tessera.sd.nodes.internal;

import dev.tessera.model.api.Conditioning;

/**
 * ComfyUI's {@code area} of a conditioning entry (ConditioningSetArea): a rectangle of latent cells the entry
 * conditions, {@code height x width} at row {@code y}, column {@code x}, or (ConditioningSetAreaPercentage) fractions
 * of the canvas resolved against the latent at sampling time; and the weights ComfyUI gives its cells:
 * the entry's strength, faded over up to 8 cells (a quarter of the side at most) along each edge that lies inside
 * the canvas, so that neighbouring areas blend.
 */
public record ConditioningArea(int height, int width, int y, int x) {

    /**
     * The extras key (ComfyUI's), holding an {@code int[] {height, width, y, x}} in latent cells, or a
     * {@code double[] {height, width, y, x}} in fractions of the canvas (ComfyUI's {@code ("percentage", ...)}).
     */
    public static final String KEY = Conditioning.AREA;

    /** The area of {@code entry} in cells, or null when it conditions the whole canvas or is given in fractions. */
    public static ConditioningArea of(Conditioning.Entry entry) {
        if (entry.extras().get(KEY) instanceof int[] a && a.length == 4) {
            return new ConditioningArea(a[0], a[1], a[2], a[3]);
        }
        return null;
    }

    /**
     * The area of {@code entry} on a {@code canvasHeight x canvasWidth} latent, or null when it conditions the whole
     * canvas. Fractions become cells as ComfyUI's {@code resolve_areas_and_cond_masks_multidim} makes them: Python's
     * {@code round} (half to even), sides at least one cell.
     */
    public static ConditioningArea of(Conditioning.Entry entry, long canvasHeight, long canvasWidth) {
        if (entry.extras().get(KEY) instanceof double[] f && f.length == 4) {
            return new ConditioningArea((int) Math.max(1, Math.rint(f[0] * canvasHeight)),
                    (int) Math.max(1, Math.rint(f[1] * canvasWidth)), (int) Math.rint(f[2] * canvasHeight),
                    (int) Math.rint(f[3] * canvasWidth));
        }
        return of(entry);
    }

    /** Whether {@code entry} declares an area, in cells or fractions. */
    public static boolean declared(Conditioning.Entry entry) {
        return entry.extras().containsKey(KEY);
    }

    /** The extras value for this area. */
    public int[] toExtra() {
        return new int[] {height, width, y, x};
    }

    /** This area cut to a {@code canvasHeight x canvasWidth} latent, as ComfyUI narrows it; null if nothing is left. */
    public ConditioningArea clippedTo(long canvasHeight, long canvasWidth) {
        int h = (int) Math.min(canvasHeight - y, height);
        int w = (int) Math.min(canvasWidth - x, width);
        return h <= 0 || w <= 0 ? null : new ConditioningArea(h, w, y, x);
    }

    /** The weight of each cell, row-major {@code height x width}: {@code strength}, faded at inner edges. */
    public float[] weights(double strength, long canvasHeight, long canvasWidth) {
        float[] rows = fade(height, y, canvasHeight);
        float[] cols = fade(width, x, canvasWidth);
        float[] out = new float[height * width];
        for (int r = 0; r < height; r++) {
            for (int c = 0; c < width; c++) {
                out[r * width + c] = (float) strength * rows[r] * cols[c];
            }
        }
        return out;
    }

    /** ComfyUI's feathering along one side: {@code (t + 1) / rr} on the first and last rr cells of inner edges. */
    private static float[] fade(int size, int offset, long canvas) {
        float[] f = new float[size];
        java.util.Arrays.fill(f, 1f);
        int rr = Math.min(8, size / 4);
        if (offset != 0) {
            for (int t = 0; t < rr; t++) {
                f[t] *= (1f / rr) * (t + 1);
            }
        }
        if (offset + size < canvas) {
            for (int t = 0; t < rr; t++) {
                f[size - 1 - t] *= (1f / rr) * (t + 1);
            }
        }
        return f;
    }
}
