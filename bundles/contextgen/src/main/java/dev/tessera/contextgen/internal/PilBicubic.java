package dev.tessera.contextgen.internal;

/**
 * Pillow's {@code Image.resize(size)} with its default filter (BICUBIC, a = -0.5, antialiased: the kernel widens by
 * the downscale factor) on 8-bit samples, operation for operation as {@code Resample.c} does it: weights
 * normalised per output sample in double, turned into 22-bit fixed point, a horizontal pass rounded and clipped to
 * 8 bits, then a vertical pass. Exactness matters: ContextGen thresholds the result at {@code > 0}, so a sample
 * that rounds to 0 instead of 1 moves a reference token in or out of the foreground.
 */
public final class PilBicubic {

    private static final double SUPPORT = 2.0;
    private static final double A = -0.5;
    private static final int PRECISION_BITS = 32 - 8 - 2;

    private PilBicubic() {}

    /**
     * Resamples interleaved 8-bit samples {@code [inH, inW, channels]} (0-255) to {@code [outH, outW, channels]}.
     * Like Pillow, a pass whose size does not change is skipped.
     */
    public static int[] resize(int[] src, int inW, int inH, int channels, int outW, int outH) {
        if (src.length != inW * inH * channels) {
            throw new IllegalArgumentException(src.length + " samples for a " + inW + "x" + inH + "x" + channels
                    + " image");
        }
        int[] image = src;
        int w = inW;
        if (outW != inW) {
            image = horizontal(image, inW, inH, channels, new Coefficients(inW, outW), outW);
            w = outW;
        }
        if (outH != inH) {
            image = vertical(image, w, channels, new Coefficients(inH, outH), outH);
        }
        return image == src ? src.clone() : image;
    }

    static double bicubic(double x) {
        x = Math.abs(x);
        if (x < 1.0) return ((A + 2.0) * x - (A + 3.0)) * x * x + 1;
        if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * A;
        return 0.0;
    }

    /** Per output sample: first source index, number of taps, and fixed-point weights ({@code ksize} each). */
    private static final class Coefficients {
        final int ksize;
        final int[] first;
        final int[] count;
        final int[] weights;

        Coefficients(int inSize, int outSize) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = SUPPORT * filterScale;
            ksize = (int) Math.ceil(support) * 2 + 1;
            first = new int[outSize];
            count = new int[outSize];
            weights = new int[outSize * ksize];
            double[] k = new double[ksize];
            double ss = 1.0 / filterScale;
            for (int xx = 0; xx < outSize; xx++) {
                double center = (xx + 0.5) * scale;
                int xmin = Math.max(0, (int) (center - support + 0.5));
                int xmax = Math.min(inSize, (int) (center + support + 0.5)) - xmin;
                double ww = 0.0;
                for (int x = 0; x < xmax; x++) {
                    k[x] = bicubic((x + xmin - center + 0.5) * ss);
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
        }
    }

    private static int[] horizontal(int[] src, int inW, int h, int channels, Coefficients c, int outW) {
        int[] out = new int[h * outW * channels];
        for (int y = 0; y < h; y++) {
            int row = y * inW * channels;
            for (int xx = 0; xx < outW; xx++) {
                int base = xx * c.ksize;
                for (int ch = 0; ch < channels; ch++) {
                    int ss = 1 << (PRECISION_BITS - 1);
                    for (int x = 0; x < c.count[xx]; x++) {
                        ss += src[row + (x + c.first[xx]) * channels + ch] * c.weights[base + x];
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
            int base = yy * c.ksize;
            for (int i = 0; i < stride; i++) {
                int ss = 1 << (PRECISION_BITS - 1);
                for (int y = 0; y < c.count[yy]; y++) {
                    ss += src[(y + c.first[yy]) * stride + i] * c.weights[base + y];
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
