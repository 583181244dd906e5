package dev.tessera.image;

import java.util.function.DoubleUnaryOperator;

/**
 * Pillow's {@code Image.resize} on 8-bit samples, operation for operation as its {@code Resample.c} does it: the
 * filter's kernel widened by the downscale factor (antialiasing), weights normalised per output sample in double and
 * turned into 22-bit fixed point, a horizontal pass rounded and clipped to 8 bits, then a vertical pass; a pass
 * whose size does not change is skipped. Exactness matters to its users: ComfyUI's {@code lanczos} upscale goes
 * through PIL this way, and ContextGen thresholds bicubically downsampled alpha at {@code > 0}, where one sample
 * rounding to 0 instead of 1 moves a token in or out of a reference's foreground.
 */
public final class PilResample {

    /** Pillow's filters, with their support and kernel. */
    public enum Filter {
        /** {@code Image.BICUBIC} (Pillow's default for {@code resize}), a = -0.5. */
        BICUBIC(2.0, PilResample::bicubic),
        /** {@code Image.LANCZOS}, Lanczos-3. */
        LANCZOS(3.0, PilResample::lanczos);

        final double support;
        final DoubleUnaryOperator kernel;

        Filter(double support, DoubleUnaryOperator kernel) {
            this.support = support;
            this.kernel = kernel;
        }
    }

    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final double BICUBIC_A = -0.5;

    /** Per output sample: first source index, number of taps, and {@code ksize} fixed-point weights. */
    private record Coefficients(int ksize, int[] first, int[] count, int[] weights) {}

    private PilResample() {}

    /**
     * Resamples interleaved 8-bit samples {@code [inH, inW, channels]} (0-255) to {@code [outH, outW, channels]}.
     *
     * @throws IllegalArgumentException when {@code src} does not hold {@code inW x inH x channels} samples
     */
    public static int[] resize(int[] src, int inW, int inH, int channels, int outW, int outH, Filter filter) {
        if (src.length != inW * inH * channels) {
            throw new IllegalArgumentException(src.length + " samples for a " + inW + "x" + inH + "x" + channels
                    + " image");
        }
        int[] image = src;
        int w = inW;
        if (outW != inW) {
            image = horizontal(image, inW, inH, channels, coefficients(inW, outW, filter), outW);
            w = outW;
        }
        if (outH != inH) {
            image = vertical(image, w, channels, coefficients(inH, outH, filter), outH);
        }
        return image == src ? src.clone() : image;
    }

    /**
     * Pillow's {@code resize(size, Image.NEAREST)} on interleaved samples: output sample x reads source
     * {@code floor(xo)} where {@code xo} starts at half a source-per-output step and grows by one step per sample,
     * accumulated in double as Pillow's {@code ImagingScaleAffine} does (recomputing {@code (x + 0.5) * scale}
     * differs at exact-integer boundaries). Same size: a copy.
     *
     * @throws IllegalArgumentException when {@code src} does not hold {@code inW x inH x channels} samples
     */
    public static int[] resizeNearest(int[] src, int inW, int inH, int channels, int outW, int outH) {
        if (src.length != inW * inH * channels || outW < 1 || outH < 1) {
            throw new IllegalArgumentException(src.length + " samples for a " + inW + "x" + inH + "x" + channels
                    + " image resized to " + outW + "x" + outH);
        }
        int[] xs = nearestTable(inW, outW);
        int[] ys = nearestTable(inH, outH);
        int[] out = new int[outW * outH * channels];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                System.arraycopy(src, (ys[y] * inW + xs[x]) * channels, out, (y * outW + x) * channels, channels);
            }
        }
        return out;
    }

    private static int[] nearestTable(int in, int out) {
        double step = (double) in / out;
        double at = step * 0.5;
        int[] table = new int[out];
        for (int i = 0; i < out; i++) {
            table[i] = Math.min(in - 1, (int) at);
            at += step;
        }
        return table;
    }

    static double bicubic(double x) {
        x = Math.abs(x);
        if (x < 1.0) return ((BICUBIC_A + 2.0) * x - (BICUBIC_A + 3.0)) * x * x + 1;
        if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * BICUBIC_A;
        return 0.0;
    }

    static double lanczos(double x) {
        return -3.0 <= x && x < 3.0 ? sinc(x) * sinc(x / 3.0) : 0.0;
    }

    private static double sinc(double x) {
        if (x == 0.0) return 1.0;
        double px = x * Math.PI;
        return Math.sin(px) / px;
    }

    private static Coefficients coefficients(int inSize, int outSize, Filter filter) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = filter.support * filterScale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] first = new int[outSize];
        int[] count = new int[outSize];
        int[] weights = new int[outSize * ksize];
        double[] k = new double[ksize];
        double ss = 1.0 / filterScale;
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            int xmin = Math.max(0, (int) (center - support + 0.5));
            int xmax = Math.min(inSize, (int) (center + support + 0.5)) - xmin;
            double ww = 0.0;
            for (int x = 0; x < xmax; x++) {
                k[x] = filter.kernel.applyAsDouble((x + xmin - center + 0.5) * ss);
                ww += k[x];
            }
            for (int x = 0; x < xmax; x++) {
                double v = ww != 0.0 ? k[x] / ww : k[x];
                weights[xx * ksize + x] = v < 0 ? (int) (-0.5 + v * (1 << PRECISION_BITS))
                        : (int) (0.5 + v * (1 << PRECISION_BITS));
            }
            first[xx] = xmin;
            count[xx] = xmax;
        }
        return new Coefficients(ksize, first, count, weights);
    }

    private static int[] horizontal(int[] src, int inW, int h, int channels, Coefficients c, int outW) {
        int[] out = new int[h * outW * channels];
        for (int y = 0; y < h; y++) {
            int row = y * inW * channels;
            for (int xx = 0; xx < outW; xx++) {
                int base = xx * c.ksize();
                for (int ch = 0; ch < channels; ch++) {
                    int ss = 1 << (PRECISION_BITS - 1);
                    for (int x = 0; x < c.count()[xx]; x++) {
                        ss += src[row + (x + c.first()[xx]) * channels + ch] * c.weights()[base + x];
                    }
                    out[(y * outW + xx) * channels + ch] = clip8(ss);
                }
            }
        }
        return out;
    }

    private static int[] vertical(int[] src, int w, int channels, Coefficients c, int outH) {
        int stride = w * channels;
        int[] out = new int[outH * stride];
        for (int yy = 0; yy < outH; yy++) {
            int base = yy * c.ksize();
            for (int i = 0; i < stride; i++) {
                int ss = 1 << (PRECISION_BITS - 1);
                for (int y = 0; y < c.count()[yy]; y++) {
                    ss += src[(y + c.first()[yy]) * stride + i] * c.weights()[base + y];
                }
                out[yy * stride + i] = clip8(ss);
            }
        }
        return out;
    }

    private static int clip8(int ss) {
        int v = ss >> PRECISION_BITS;
        return v < 0 ? 0 : Math.min(v, 255);
    }
}
