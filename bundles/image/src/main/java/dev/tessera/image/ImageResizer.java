package dev.tessera.image;

import ai.djl.Device;
import ai.djl.modality.cv.Image;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;
import java.util.Objects;

/**
 * Resizes channels-last batches {@code [B, H, W, C]} as ComfyUI's {@code comfy.utils.common_upscale}: optionally
 * cut the centre to the target aspect, then resample with one of its methods.
 *
 * <p>nearest-exact, bilinear and bicubic are separable: per axis one gather of the source rows (or columns) that
 * each output sample reads, one multiply by their weights and one sum, so a resize launches about six tensor ops
 * whatever the size, in the input's dtype and on its device. DJL's own {@code interpolation} cannot stand in for
 * them: its PyTorch engine always sets {@code antialias=true} for bilinear and bicubic (and has no nearest-exact),
 * while ComfyUI uses plain {@code F.interpolate}. Area is adaptive average pooling, which DJL maps unchanged.
 * Lanczos runs PIL's algorithm on the CPU, as ComfyUI does.
 */
public final class ImageResizer {

    /** PyTorch's bicubic convolution constant. */
    private static final double CUBIC_A = -0.75;

    /** The part of the source a centre crop keeps. */
    public record CropBox(int top, int left, int height, int width) {}

    private ImageResizer() {}

    /**
     * Resizes {@code nhwc} to {@code [B, height, width, C]}. The result and every temporary belong to
     * {@code scratch}; the input is left as it is. Bicubic may overshoot [0, 1] slightly, as in ComfyUI.
     */
    public static NDArray resize(NDArray nhwc, int width, int height, ResizeMethod method, CropMode crop,
                                 NDManager scratch) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(crop, "crop");
        Shape s = nhwc.getShape();
        if (s.dimension() != 4) throw new IllegalArgumentException("resize takes [B,H,W,C], got shape " + s);
        if (width < 1 || height < 1) throw new IllegalArgumentException("target size must be positive: " + width + "x" + height);
        NDArray x = borrow(nhwc, scratch);
        if (crop == CropMode.CENTER) {
            CropBox box = centerCrop((int) s.get(2), (int) s.get(1), width, height);
            x = x.get(new NDIndex(":, {}:{}, {}:{}", box.top(), box.top() + box.height(), box.left(), box.left() + box.width()));
        }
        return switch (method) {
            case NEAREST_EXACT, BILINEAR, BICUBIC -> separable(x, width, height, method, scratch);
            case AREA -> area(x, width, height);
            case LANCZOS -> lanczos(x, width, height, scratch);
        };
    }

    /**
     * ComfyUI's centre crop: when the aspects differ, cut equal amounts from both ends of the longer side so the
     * rest has (about) the target aspect. Offsets round half to even, as Python's {@code round}; at least one
     * pixel is kept.
     */
    public static CropBox centerCrop(int inWidth, int inHeight, int outWidth, int outHeight) {
        double oldAspect = (double) inWidth / inHeight;
        double newAspect = (double) outWidth / outHeight;
        int x = 0;
        int y = 0;
        if (oldAspect > newAspect) {
            x = (int) Math.rint((inWidth - inWidth * (newAspect / oldAspect)) / 2);
        } else if (oldAspect < newAspect) {
            y = (int) Math.rint((inHeight - inHeight * (oldAspect / newAspect)) / 2);
        }
        x = Math.min(x, (inWidth - 1) / 2);
        y = Math.min(y, (inHeight - 1) / 2);
        return new CropBox(y, x, inHeight - 2 * y, inWidth - 2 * x);
    }

    /**
     * ImageScale's target size: a zero side follows the other side's scale (rounded half to even, at least 1);
     * both zero keeps the input size.
     */
    public static int[] targetSize(int inWidth, int inHeight, int width, int height) {
        if (width == 0 && height == 0) return new int[] {inWidth, inHeight};
        if (width == 0) width = (int) Math.max(1, Math.rint((double) inWidth * height / inHeight));
        else if (height == 0) height = (int) Math.max(1, Math.rint((double) inHeight * width / inWidth));
        return new int[] {width, height};
    }

    /**
     * A second handle on the same storage, owned by {@code scratch}, so the ops on it allocate there (and the
     * input's own manager gains nothing).
     */
    public static NDArray borrow(NDArray array, NDManager scratch) {
        NDArray view = array.get(new NDIndex("..."));
        view.attach(scratch);
        return view;
    }

    private static NDArray separable(NDArray x, int width, int height, ResizeMethod method, NDManager scratch) {
        Shape s = x.getShape();
        NDArray wide = resampleAxis(x, 2, taps(method, (int) s.get(2), width), scratch);
        return resampleAxis(wide, 1, taps(method, (int) s.get(1), height), scratch);
    }

    /** Gathers the taps of each output index along {@code axis} (1 = rows, 2 = columns) and sums them weighted. */
    private static NDArray resampleAxis(NDArray x, int axis, Taps taps, NDManager scratch) {
        Device device = x.getDevice();
        NDArray index = scratch.create(taps.index()).toDevice(device, false);
        NDArray gathered = x.get(axis == 1 ? new NDIndex(":, {}", index) : new NDIndex(":, :, {}", index));
        if (taps.perOutput() == 1) return gathered;
        long[] dims = gathered.getShape().getShape();
        long[] split = new long[dims.length + 1];
        long[] weightDims = new long[dims.length + 1];
        for (int d = 0, o = 0; d < dims.length; d++, o++) {
            if (d == axis) {
                split[o] = taps.outSize();
                split[o + 1] = taps.perOutput();
                weightDims[o] = taps.outSize();
                weightDims[o + 1] = taps.perOutput();
                o++;
            } else {
                split[o] = dims[d];
                weightDims[o] = 1;
            }
        }
        NDArray weights = scratch.create(FloatBuffer.wrap(taps.weight()), new Shape(weightDims))
                .toDevice(device, false).toType(x.getDataType(), false);
        return gathered.reshape(new Shape(split)).mul(weights).sum(new int[] {axis + 1});
    }

    private static NDArray area(NDArray x, int width, int height) {
        NDArray nchw = x.transpose(0, 3, 1, 2);
        NDArray pooled = nchw.getNDArrayInternal()
                .interpolation(new long[] {height, width}, Image.Interpolation.AREA.ordinal(), false);
        return pooled.transpose(0, 2, 3, 1);
    }

    private static NDArray lanczos(NDArray x, int width, int height, NDManager scratch) {
        Shape s = x.getShape();
        int b = (int) s.get(0);
        int h = (int) s.get(1);
        int w = (int) s.get(2);
        int c = (int) s.get(3);
        float[] in = x.toDevice(Device.cpu(), false).toType(DataType.FLOAT32, false).toFloatArray();
        float[] out = new float[b * height * width * c];
        int inPlane = h * w * c;
        int outPlane = height * width * c;
        int[] samples = new int[inPlane];
        for (int n = 0; n < b; n++) {
            for (int i = 0; i < inPlane; i++) {
                float v = 255f * in[n * inPlane + i];
                samples[i] = v >= 255f ? 255 : v > 0f ? (int) v : 0;
            }
            int[] resized = PilResample.resize(samples, w, h, c, width, height,
                    PilResample.Filter.LANCZOS);
            for (int i = 0; i < outPlane; i++) out[n * outPlane + i] = resized[i] / 255f;
        }
        return scratch.create(FloatBuffer.wrap(out), new Shape(b, height, width, c))
                .toDevice(x.getDevice(), false).toType(x.getDataType(), false);
    }

    /** Per output index, {@code perOutput} source indices and weights, flattened output-major. */
    record Taps(int outSize, int perOutput, long[] index, float[] weight) {}

    static Taps taps(ResizeMethod method, int in, int out) {
        return switch (method) {
            case NEAREST_EXACT -> nearestExact(in, out);
            case BILINEAR -> bilinear(in, out);
            case BICUBIC -> bicubic(in, out);
            default -> throw new IllegalArgumentException(method + " is not a separable tap filter");
        };
    }

    /** PyTorch: {@code min(floor((i + 0.5) * scale), in - 1)} with a float32 scale. */
    private static Taps nearestExact(int in, int out) {
        float scale = (float) in / out;
        long[] index = new long[out];
        for (int i = 0; i < out; i++) {
            index[i] = Math.min((long) Math.floor((i + 0.5) * scale), in - 1);
        }
        return new Taps(out, 1, index, new float[] {1f});
    }

    /** PyTorch, align_corners=False: source {@code max(scale (i + 0.5) - 0.5, 0)} between two neighbours. */
    private static Taps bilinear(int in, int out) {
        float scale = (float) in / out;
        long[] index = new long[2 * out];
        float[] weight = new float[2 * out];
        for (int i = 0; i < out; i++) {
            float real = Math.max(scale * (i + 0.5f) - 0.5f, 0f);
            int i0 = (int) real;
            int i1 = i0 + (i0 < in - 1 ? 1 : 0);
            float lambda1 = Math.min(Math.max(real - i0, 0f), 1f);
            index[2 * i] = i0;
            index[2 * i + 1] = i1;
            weight[2 * i] = 1f - lambda1;
            weight[2 * i + 1] = lambda1;
        }
        return new Taps(out, 2, index, weight);
    }

    /** PyTorch, align_corners=False: four neighbours with Keys' cubic (A = -0.75), indices clamped to the edge. */
    private static Taps bicubic(int in, int out) {
        float scale = (float) in / out;
        long[] index = new long[4 * out];
        float[] weight = new float[4 * out];
        for (int i = 0; i < out; i++) {
            float real = scale * (i + 0.5f) - 0.5f;
            int floor = (int) Math.floor(real);
            double t = real - floor;
            double[] c = {
                cubicFar(t + 1.0), cubicNear(t), cubicNear(1.0 - t), cubicFar(2.0 - t)
            };
            for (int k = 0; k < 4; k++) {
                index[4 * i + k] = Math.min(Math.max(floor - 1 + k, 0), in - 1);
                weight[4 * i + k] = (float) c[k];
            }
        }
        return new Taps(out, 4, index, weight);
    }

    /** Keys' kernel for |x| <= 1. */
    private static double cubicNear(double x) {
        return ((CUBIC_A + 2) * x - (CUBIC_A + 3)) * x * x + 1;
    }

    /** Keys' kernel for 1 < |x| < 2. */
    private static double cubicFar(double x) {
        return ((CUBIC_A * x - 5 * CUBIC_A) * x + 8 * CUBIC_A) * x - 4 * CUBIC_A;
    }
}
