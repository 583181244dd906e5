package dev.tessera.contextgen;

import dev.tessera.image.PilResample;

/**
 * A reference image of one instance: RGB and alpha (1 = the subject, 0 = transparent) on the heap, both in [0, 1].
 * ContextGen needs the alpha: it gives the reference's foreground tokens (ICA) and what is pasted into the layout
 * image. Immutable.
 */
public final class Reference {

    private final int width;
    private final int height;
    private final float[] rgb;
    private final float[] alpha;

    private Reference(int width, int height, float[] rgb, float[] alpha) {
        this.width = width;
        this.height = height;
        this.rgb = rgb;
        this.alpha = alpha;
    }

    /**
     * @param where names the reference in errors ({@code "reference 1"})
     * @param rgb row-major {@code [height, width, 3]}, values in [0, 1]
     * @param alpha row-major {@code [height, width]}, 1 = foreground
     * @throws InvalidContextGenInputException naming {@code where} when sizes disagree, a value is not finite, or
     *     the alpha is empty (nothing of the subject is left)
     */
    public static Reference of(String where, int width, int height, float[] rgb, float[] alpha) {
        if (width < 1 || height < 1) {
            throw new InvalidContextGenInputException(where, "size " + width + "x" + height + " is empty");
        }
        if (rgb.length != width * height * 3) {
            throw new InvalidContextGenInputException(where, "has " + rgb.length + " RGB samples; expected "
                    + width + "x" + height + "x3");
        }
        if (alpha.length != width * height) {
            throw new InvalidContextGenInputException(where, "alpha/mask has " + alpha.length
                    + " samples; expected " + width + "x" + height + " (the image's size)");
        }
        boolean any = false;
        for (float a : alpha) {
            if (!Float.isFinite(a)) throw new InvalidContextGenInputException(where, "alpha holds " + a);
            any |= Math.round(clamp(a) * 255f) > 0;
        }
        for (float v : rgb) {
            if (!Float.isFinite(v)) throw new InvalidContextGenInputException(where, "image holds " + v);
        }
        if (!any) {
            throw new InvalidContextGenInputException(where, "alpha/mask is fully transparent; expected the subject"
                    + " to be opaque (alpha > 0) somewhere");
        }
        return new Reference(width, height, rgb.clone(), alpha.clone());
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** A copy of the RGB samples, {@code [height, width, 3]}. */
    public float[] rgb() {
        return rgb.clone();
    }

    /** A copy of the alpha, {@code [height, width]}. */
    public float[] alpha() {
        return alpha.clone();
    }

    /**
     * The RGB ContextGen encodes for this reference: the subject where alpha >= 0.5 (its mask binarized), mid-grey
     * 0.5 elsewhere (0 in the VAE's [-1, 1] input, as the released code multiplies the normalised image by the
     * mask). {@code [height, width, 3]}.
     */
    public float[] maskedRgb() {
        float[] out = rgb.clone();
        for (int p = 0; p < alpha.length; p++) {
            if (!(alpha[p] >= 0.5f)) {
                out[3 * p] = 0.5f;
                out[3 * p + 1] = 0.5f;
                out[3 * p + 2] = 0.5f;
            }
        }
        return out;
    }

    /** Alpha as 8-bit samples (round to nearest), as the reference's PNG alpha channel holds it. */
    public int[] alpha8() {
        int[] a = new int[alpha.length];
        for (int i = 0; i < a.length; i++) a[i] = Math.round(clamp(alpha[i]) * 255f);
        return a;
    }

    /** This reference's token grid; its size must be a multiple of 16 (see {@link #resizedForOutput}). */
    public TokenGrid grid(String where) {
        return TokenGrid.ofPixels(where, width, height);
    }

    /** Its foreground tokens: {@link ReferenceForeground#tokenMask} of its 8-bit alpha. */
    public boolean[] foregroundTokens(String where) {
        return ReferenceForeground.tokenMask(alpha8(), width, height, grid(where));
    }

    /**
     * This reference resized as the released inference does for an output of {@code outW x outH}: to about
     * {@link #baseSize}^2 pixels keeping its aspect, each side rounded up to a multiple of 16, with Pillow's
     * default (bicubic) filter on 8-bit samples.
     */
    public Reference resizedForOutput(int outW, int outH) {
        int[] size = uniformSize16(width, height, baseSize(outW, outH));
        return resized(size[0], size[1]);
    }

    /** Resized to {@code w x h} with Pillow's default bicubic filter on 8-bit samples, RGB and alpha alike. */
    public Reference resized(int w, int h) {
        if (w == width && h == height) return this;
        int[] rgb8 = new int[rgb.length];
        for (int i = 0; i < rgb8.length; i++) rgb8[i] = Math.round(clamp(rgb[i]) * 255f);
        int[] rgbOut = PilResample.resize(rgb8, width, height, 3, w, h, PilResample.Filter.BICUBIC);
        int[] aOut = PilResample.resize(alpha8(), width, height, 1, w, h, PilResample.Filter.BICUBIC);
        float[] r = new float[rgbOut.length];
        for (int i = 0; i < r.length; i++) r[i] = rgbOut[i] / 255f;
        float[] a = new float[aOut.length];
        for (int i = 0; i < a.length; i++) a[i] = aOut[i] / 255f;
        return new Reference(w, h, r, a);
    }

    /**
     * The reference size the released inference uses per output: its shorter side up to 384 gives 256, up to 512
     * gives 384, up to 768 gives 512, up to 1024 gives 768, above gives 1024 (768 output, 512 references).
     */
    public static int baseSize(int outW, int outH) {
        int shorter = Math.min(outW, outH);
        if (shorter <= 384) return 256;
        if (shorter <= 512) return 384;
        if (shorter <= 768) return 512;
        if (shorter <= 1024) return 768;
        return 1024;
    }

    /** {@code w x h} scaled to about {@code base^2} pixels, each side rounded up to a multiple of 16 (at least 16). */
    public static int[] uniformSize16(int w, int h, int base) {
        double k = Math.sqrt((double) base * base / ((double) w * h));
        return new int[] {Math.max(16, up16(w * k)), Math.max(16, up16(h * k))};
    }

    private static int up16(double v) {
        return (((int) v + 15) / 16) * 16;
    }

    private static float clamp(float v) {
        return v < 0 ? 0 : v > 1 ? 1 : v;
    }

    @Override
    public String toString() {
        return "Reference[" + width + "x" + height + "]";
    }
}
