package dev.tessera.layout;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Binary box masks of a layout, as MIGLoRA builds them (paper section 3.2; released {@code inference.py}): one mask
 * per instance, 1 inside the box and 0 outside, at pixel resolution, and bilinearly downsampled to latent or feature
 * resolution with the arithmetic of {@code torch.nn.functional.interpolate(mode="bilinear", align_corners=False,
 * antialias=False)}.
 *
 * <p>Rasterising follows the released code ({@code mask[int(y1):int(y2), int(x1):int(x2)] = 1} on pixel
 * coordinates): rows {@code floor(y1*H)} to {@code floor(y2*H)} exclusive, likewise columns; a box thinner than a
 * pixel keeps one pixel so no instance vanishes. With {@code withGlobal} the global caption comes first with the
 * whole-canvas box, as the released code feeds it.
 *
 * <p>A box mask is the outer product of a row profile and a column profile, and bilinear resizing acts on rows and
 * columns separately, so every mask here is built from two small profiles with one broadcast multiply on the
 * manager's device; nothing of size N x H x W is computed on the host. Arrays belong to the given manager and are
 * in the given dtype; temporaries live in a sub-manager closed before returning.
 */
public final class BoxMasks {

    /** Tolerance for box edges that land on a pixel boundary up to floating point noise (e.g. 100/768*768). */
    private static final double EDGE_EPSILON = 1e-6;

    private BoxMasks() {}

    /** The pixels a box covers: columns {@code x0 <= x < x1}, rows {@code y0 <= y < y1}. */
    public record PixelRect(int x0, int y0, int x1, int y1) {
        public int area() {
            return (x1 - x0) * (y1 - y0);
        }
    }

    /** The pixel rectangle of {@code box} on a {@code width} x {@code height} canvas. */
    public static PixelRect pixelRect(Box box, int width, int height) {
        checkSize(width, height, "canvas");
        int[] x = span(box.x1(), box.x2(), width);
        int[] y = span(box.y1(), box.y2(), height);
        return new PixelRect(x[0], y[0], x[1], y[1]);
    }

    /** Masks {@code [N, height, width]}: N instances, plus the global caption first when {@code withGlobal}. */
    public static NDArray pixelMasks(NDManager manager, Layout layout, int width, int height, boolean withGlobal,
            DataType dtype) {
        return masks(manager, layout, width, height, width, height, withGlobal, dtype);
    }

    /**
     * The released mask encoder's input {@code [N, 3, height, width]}: the pixel mask in all three channels (the
     * released code fills an RGB image with 1 inside the box).
     */
    public static NDArray encoderInput(NDManager manager, Layout layout, int width, int height, boolean withGlobal,
            DataType dtype) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray one = pixelMasks(scope, layout, width, height, withGlobal, dtype);
            NDArray three = one.expandDims(1).repeat(1, 3);
            three.attach(manager);
            return three;
        }
    }

    /**
     * Masks at latent resolution {@code [N, height/factor, width/factor]} (factor 8 for the SD VAE): the pixel masks
     * bilinearly downsampled. The canvas must be a multiple of {@code factor}.
     */
    public static NDArray latentMasks(NDManager manager, Layout layout, int width, int height, int factor,
            boolean withGlobal, DataType dtype) {
        if (factor <= 0 || width % factor != 0 || height % factor != 0) {
            throw new IllegalArgumentException("canvas " + width + "x" + height + " is not a multiple of the latent"
                    + " factor " + factor + "; expected width and height divisible by it");
        }
        return masks(manager, layout, width, height, width / factor, height / factor, withGlobal, dtype);
    }

    /**
     * The pixel masks of a {@code width} x {@code height} canvas bilinearly resized to {@code outWidth} x
     * {@code outHeight}, {@code [N, outHeight, outWidth]}: any feature resolution (mask fusion, DiT token grids).
     */
    public static NDArray masks(NDManager manager, Layout layout, int width, int height, int outWidth,
            int outHeight, boolean withGlobal, DataType dtype) {
        Objects.requireNonNull(manager, "manager");
        Objects.requireNonNull(dtype, "dtype");
        checkSize(width, height, "canvas");
        checkSize(outWidth, outHeight, "output");
        List<Box> boxes = boxes(layout, withGlobal);
        int n = boxes.size();
        float[] rows = new float[n * outHeight];
        float[] cols = new float[n * outWidth];
        float[][] wy = outHeight == height ? null : weights(height, outHeight);
        float[][] wx = outWidth == width ? null : weights(width, outWidth);
        for (int i = 0; i < n; i++) {
            PixelRect r = pixelRect(boxes.get(i), width, height);
            profile(r.y0(), r.y1(), height, wy, rows, i * outHeight);
            profile(r.x0(), r.x1(), width, wx, cols, i * outWidth);
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray rowArray = scope.create(rows, new Shape(n, outHeight, 1));
            NDArray colArray = scope.create(cols, new Shape(n, 1, outWidth));
            NDArray out = rowArray.mul(colArray);
            if (out.getDataType() != dtype) {
                out = out.toType(dtype, false);
            }
            out.attach(manager);
            return out;
        }
    }

    /**
     * Any masks {@code [..., H, W]} resized bilinearly to {@code outHeight} x {@code outWidth}, as two matrix
     * products with the interpolation weights (for masks that are not boxes, e.g. instance masks from images).
     * The result belongs to the input's manager and has its dtype.
     */
    public static NDArray resize(NDArray masks, int outHeight, int outWidth) {
        Shape shape = masks.getShape();
        if (shape.dimension() < 2) {
            throw new IllegalArgumentException("masks of shape " + shape + " have no height and width; expected"
                    + " [..., H, W]");
        }
        checkSize(outWidth, outHeight, "output");
        int h = Math.toIntExact(shape.get(shape.dimension() - 2));
        int w = Math.toIntExact(shape.get(shape.dimension() - 1));
        NDManager owner = masks.getManager();
        try (NDManager scope = owner.newSubManager()) {
            NDArray ry = scope.create(dense(weights(h, outHeight), h), new Shape(outHeight, h))
                    .toType(masks.getDataType(), false);
            NDArray rxT = scope.create(dense(weights(w, outWidth), w), new Shape(outWidth, w))
                    .toType(masks.getDataType(), false).transpose();
            NDArray out = ry.matMul(masks).matMul(rxT);
            out.attach(owner);
            return out;
        }
    }

    /**
     * Bilinear weights of {@code torch.nn.functional.interpolate(size=out, align_corners=False)} along one axis,
     * in float as torch computes them for float tensors: for each output index, the two source indices and their
     * weights {@code {i0, i1, l0, l1}}.
     */
    static float[][] weights(int in, int out) {
        float scale = (float) in / out;
        float[][] w = new float[out][];
        for (int d = 0; d < out; d++) {
            float src = scale * (d + 0.5f) - 0.5f;
            if (src < 0) src = 0;
            int i0 = (int) src;
            int i1 = i0 + (i0 < in - 1 ? 1 : 0);
            float l1 = src - i0;
            w[d] = new float[] {i0, i1, 1f - l1, l1};
        }
        return w;
    }

    private static float[] dense(float[][] w, int in) {
        float[] m = new float[w.length * in];
        for (int d = 0; d < w.length; d++) {
            m[d * in + (int) w[d][0]] += w[d][2];
            m[d * in + (int) w[d][1]] += w[d][3];
        }
        return m;
    }

    /** The 0/1 indicator of [lo, hi) on an axis of {@code size}, resized by {@code w} when given, into {@code out}. */
    private static void profile(int lo, int hi, int size, float[][] w, float[] out, int offset) {
        if (w == null) {
            for (int p = lo; p < hi; p++) out[offset + p] = 1f;
            return;
        }
        for (int d = 0; d < w.length; d++) {
            int i0 = (int) w[d][0];
            int i1 = (int) w[d][1];
            float v0 = i0 >= lo && i0 < hi ? 1f : 0f;
            float v1 = i1 >= lo && i1 < hi ? 1f : 0f;
            out[offset + d] = w[d][2] * v0 + w[d][3] * v1;
        }
    }

    private static int[] span(double from, double to, int size) {
        int lo = clamp((int) Math.floor(from * size + EDGE_EPSILON), size);
        int hi = clamp((int) Math.floor(to * size + EDGE_EPSILON), size);
        if (hi <= lo) {
            lo = Math.min(lo, size - 1);
            hi = lo + 1;
        }
        return new int[] {lo, hi};
    }

    private static int clamp(int v, int size) {
        return Math.max(0, Math.min(size, v));
    }

    private static List<Box> boxes(Layout layout, boolean withGlobal) {
        List<Box> boxes = new ArrayList<>(layout.size() + 1);
        if (withGlobal) boxes.add(Box.FULL);
        layout.instances().forEach(i -> boxes.add(i.box()));
        if (boxes.isEmpty()) {
            throw new InvalidLayoutException(-1, "the layout has no instances and the global entry was not asked"
                    + " for; expected at least one mask");
        }
        return boxes;
    }

    private static void checkSize(int width, int height, String what) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException(what + " size " + width + "x" + height + " is not positive; expected"
                    + " width and height > 0");
        }
    }
}
