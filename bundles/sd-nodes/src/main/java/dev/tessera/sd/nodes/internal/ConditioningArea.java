package dev.tessera.sd.nodes.internal;

import dev.tessera.model.api.Conditioning;

/**
 * ComfyUI's {@code area} of a conditioning entry (ConditioningSetArea): a rectangle of latent cells the entry
 * conditions, {@code height x width} at row {@code y}, column {@code x}; and the weights ComfyUI gives its cells:
 * the entry's strength, faded over up to 8 cells (a quarter of the side at most) along each edge that lies inside
 * the canvas, so that neighbouring areas blend.
 */
public record ConditioningArea(int height, int width, int y, int x) {

    /** The extras key (ComfyUI's), holding an {@code int[] {height, width, y, x}} in latent cells. */
    public static final String KEY = Conditioning.AREA;

    /** The area of {@code entry}, or null when it conditions the whole canvas. */
    public static ConditioningArea of(Conditioning.Entry entry) {
        if (entry.extras().get(KEY) instanceof int[] a && a.length == 4) {
            return new ConditioningArea(a[0], a[1], a[2], a[3]);
        }
        return null;
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
