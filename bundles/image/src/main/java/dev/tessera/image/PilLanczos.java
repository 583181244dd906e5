package dev.tessera.image;

/**
 * PIL's {@code Image.resize(..., LANCZOS)} on 8-bit samples, reproduced operation for operation (Pillow's
 * {@code Resample.c}): Lanczos-3 kernel widened by the downscale factor, weights normalised per output sample and
 * turned into 22-bit fixed point, a horizontal pass rounded to 8 bits, then a vertical pass. ComfyUI's
 * {@code lanczos} upscale goes through PIL this way, so its results are matched exactly, not approximately.
 */
final class PilLanczos {

    private static final double SUPPORT = 3.0;
    private static final int PRECISION_BITS = 32 - 8 - 2;

    /** Per output sample: first source index, number of taps, and {@code ksize} fixed-point weights. */
    record Coefficients(int ksize, int[] first, int[] count, int[] weights) {}

    private PilLanczos() {}

    /**
     * Resamples interleaved 8-bit samples {@code [inH, inW, channels]} (values 0-255) to {@code [outH, outW,
     * channels]}.
     */
    static int[] resize(int[] src, int inW, int inH, int channels, int outW, int outH) {
        int[] image = src;
        int w = inW;
        if (outW != inW) {
            image = horizontal(image, inW, inH, channels, coefficients(inW, outW), outW);
            w = outW;
        }
        if (outH != inH) {
            image = vertical(image, w, channels, coefficients(inH, outH), outH);
        }
        return image == src ? src.clone() : image;
    }

    static double lanczos(double x) {
        return -SUPPORT <= x && x < SUPPORT ? sinc(x) * sinc(x / SUPPORT) : 0.0;
    }

    private static double sinc(double x) {
        if (x == 0.0) return 1.0;
        double px = x * Math.PI;
        return Math.sin(px) / px;
    }

    static Coefficients coefficients(int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = SUPPORT * filterScale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] first = new int[outSize];
        int[] count = new int[outSize];
        int[] weights = new int[outSize * ksize];
        double[] k = new double[ksize];
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            double ss = 1.0 / filterScale;
            int xmin = Math.max(0, (int) (center - support + 0.5));
            int xmax = Math.min(inSize, (int) (center + support + 0.5)) - xmin;
            double ww = 0.0;
            for (int x = 0; x < xmax; x++) {
                k[x] = lanczos((x + xmin - center + 0.5) * ss);
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
