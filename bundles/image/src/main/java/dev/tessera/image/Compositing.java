package dev.tessera.image;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ComfyUI's image and mask arithmetic behind its compositing nodes (ImageCompositeMasked, ImageCrop,
 * ImagePadForOutpaint, GrowMask, ImageBatch, ImageStitch), on tensors of any device. Images are {@code [B, H, W, C]}, masks
 * {@code [B, H, W]}. Results are new arrays in {@code scratch} (or the input's manager where none is taken); the
 * inputs are left as they are.
 */
public final class Compositing {

    private Compositing() {}

    /**
     * ComfyUI's {@code repeat_to_batch_size}: the first {@code batch} entries of {@code x} repeated along axis 0
     * as often as needed (a larger batch is cut), in {@code x}'s manager.
     */
    public static NDArray repeatToBatch(NDArray x, long batch) {
        long have = x.getShape().get(0);
        if (have == batch) return x.duplicate();
        // tile, not DJL's repeat (numpy's, element by element): torch's repeat as ComfyUI uses it.
        NDArray source = have > batch ? x : tileBatch(x, (batch + have - 1) / have);
        return source.get(new NDIndex("0:{}", batch));
    }

    /** {@code x}'s whole batch {@code times} in a row (torch's {@code repeat} on axis 0), in {@code x}'s manager. */
    public static NDArray tileBatch(NDArray x, long times) {
        long[] reps = new long[x.getShape().dimension()];
        java.util.Arrays.fill(reps, 1);
        reps[0] = times; // DJL's PyTorch engine implements tile only with one count per axis
        return x.tile(reps);
    }

    /**
     * ComfyUI's {@code composite} with multiplier 1 (ImageCompositeMasked): {@code source} pasted into
     * {@code destination} with its top-left corner at ({@code x}, {@code y}), cut where it leaves the destination,
     * mixed by {@code mask} (null: fully opaque; else resized bilinearly to the source's size), source repeated to
     * the destination's batch. With {@code resizeSource} the source is first resized (bilinear) to the
     * destination's size.
     *
     * @throws IllegalArgumentException if x or y is negative (ComfyUI's node takes 0 up)
     */
    public static NDArray compositeMasked(NDArray destination, NDArray source, int x, int y, NDArray mask,
            boolean resizeSource, NDManager scratch) {
        if (x < 0 || y < 0) throw new IllegalArgumentException("the paste position must not be negative: " + x + ", " + y);
        Shape d = destination.getShape();
        long batch = d.get(0);
        int height = (int) d.get(1);
        int width = (int) d.get(2);
        // duplicate(), not toType(..., true): DJL's copy is torch's to(), which aliases when nothing changes.
        NDArray dest = ImageResizer.borrow(destination, scratch).toType(DataType.FLOAT32, false).duplicate();
        NDArray src = ImageResizer.borrow(source, scratch).toDevice(dest.getDevice(), false).toType(DataType.FLOAT32, false);
        if (resizeSource) {
            src = ImageResizer.resize(src, width, height, ResizeMethod.BILINEAR, CropMode.DISABLED, scratch);
        }
        src = repeatToBatch(src, batch);
        int left = Math.min(x, width);
        int top = Math.min(y, height);
        int visibleWidth = (int) Math.min(src.getShape().get(2), width - left);
        int visibleHeight = (int) Math.min(src.getShape().get(1), height - top);
        if (visibleWidth <= 0 || visibleHeight <= 0) return dest;
        NDArray m;
        if (mask == null) {
            m = scratch.ones(new Shape(batch, visibleHeight, visibleWidth, 1)).toDevice(dest.getDevice(), false);
        } else {
            NDArray asImage = ImageResizer.borrow(mask, scratch).toDevice(dest.getDevice(), false).toType(DataType.FLOAT32, false)
                    .expandDims(3);
            NDArray sized = ImageResizer.resize(asImage, (int) src.getShape().get(2), (int) src.getShape().get(1),
                    ResizeMethod.BILINEAR, CropMode.DISABLED, scratch);
            m = repeatToBatch(sized, batch).get(new NDIndex(":, 0:{}, 0:{}", visibleHeight, visibleWidth));
        }
        NDIndex region = new NDIndex(":, {}:{}, {}:{}", top, top + visibleHeight, left, left + visibleWidth);
        NDArray under = dest.get(region);
        NDArray over = src.get(new NDIndex(":, 0:{}, 0:{}", visibleHeight, visibleWidth));
        // m * source + (1 - m) * destination, as ComfyUI (not a lerp), so an opaque mask copies the source exactly.
        NDArray mixed = m.mul(over).add(m.neg().add(1f).mul(under));
        dest.set(region, mixed);
        return dest;
    }

    /**
     * ComfyUI's ImageCrop: {@code width} x {@code height} from ({@code x}, {@code y}), the corner clamped into the
     * image (to the last row and column) and the size cut at the image's edge.
     */
    public static NDArray crop(NDArray image, int x, int y, int width, int height, NDManager scratch) {
        Shape s = image.getShape();
        int left = (int) Math.min(x, s.get(2) - 1);
        int top = (int) Math.min(y, s.get(1) - 1);
        long right = Math.min(s.get(2), (long) left + width);
        long bottom = Math.min(s.get(1), (long) top + height);
        return ImageResizer.borrow(image, scratch).get(new NDIndex(":, {}:{}, {}:{}", top, bottom, left, right))
                .duplicate();
    }

    /**
     * ComfyUI's ImagePadForOutpaint: the image in a grey (0.5) canvas grown by the four margins, and the mask to
     * repaint: 1 on the margins, and over the image {@code ((f - d) / f)^2} within {@code feathering} pixels
     * {@code d} of a padded side (no feathering unless it is under half of both sides).
     *
     * @return {image [B, H', W', C], mask [1, H', W']}, both in {@code scratch}
     */
    public static NDArray[] padForOutpaint(NDArray image, int left, int top, int right, int bottom, int feathering,
            NDManager scratch) {
        Shape s = image.getShape();
        int h = (int) s.get(1);
        int w = (int) s.get(2);
        int outH = h + top + bottom;
        int outW = w + left + right;
        NDArray padded = scratch.full(new Shape(s.get(0), outH, outW, s.get(3)), 0.5f)
                .toDevice(image.getDevice(), false);
        padded.set(new NDIndex(":, {}:{}, {}:{}", top, top + h, left, left + w),
                ImageResizer.borrow(image, scratch).toType(DataType.FLOAT32, false));
        float[] mask = new float[outH * outW];
        java.util.Arrays.fill(mask, 1f);
        boolean feather = feathering > 0 && feathering * 2 < h && feathering * 2 < w;
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                float v = 0f;
                if (feather) {
                    int dt = top != 0 ? i : h;
                    int db = bottom != 0 ? h - i : h;
                    int dl = left != 0 ? j : w;
                    int dr = right != 0 ? w - j : w;
                    int d = Math.min(Math.min(dt, db), Math.min(dl, dr));
                    if (d < feathering) {
                        float f = (float) (feathering - d) / feathering;
                        v = f * f;
                    }
                }
                mask[(top + i) * outW + left + j] = v;
            }
        }
        NDArray maskArray = scratch.create(mask, new Shape(1, outH, outW)).toDevice(image.getDevice(), false);
        return new NDArray[] {padded, maskArray};
    }

    /**
     * ComfyUI's GrowMask: {@code |expand|} rounds of a 3x3 grey dilation (expand &gt; 0) or erosion (&lt; 0), the
     * kernel a cross with {@code taperedCorners} and a full square without; edges repeat outward (scipy's
     * {@code reflect} mode, which for a 3x3 kernel is the edge value).
     */
    public static NDArray growMask(NDArray mask, int expand, boolean taperedCorners, NDManager scratch) {
        NDArray m = ImageResizer.borrow(mask, scratch).toType(DataType.FLOAT32, false);
        boolean grow = expand > 0;
        for (int round = 0; round < Math.abs(expand); round++) {
            NDArray up = shift(m, 1, 1);
            NDArray down = shift(m, 1, -1);
            NDArray cross = extreme(grow, extreme(grow, m, up), extreme(grow, down,
                    extreme(grow, shift(m, 2, 1), shift(m, 2, -1))));
            if (!taperedCorners) {
                cross = extreme(grow, cross, extreme(grow, extreme(grow, shift(up, 2, 1), shift(up, 2, -1)),
                        extreme(grow, shift(down, 2, 1), shift(down, 2, -1))));
            }
            m = cross;
        }
        return expand == 0 ? m.duplicate() : m;
    }

    private static NDArray extreme(boolean max, NDArray a, NDArray b) {
        return max ? a.maximum(b) : a.minimum(b);
    }

    /**
     * {@code x} moved by one cell along {@code axis}: {@code by} = 1 gives each cell its next neighbour's value
     * (row/column + 1), -1 its previous one; the edge cell keeps its own value.
     */
    private static NDArray shift(NDArray x, int axis, int by) {
        long n = x.getShape().get(axis);
        if (n == 1) return x;
        String rest = axis == 1 ? "" : ":, ";
        NDArray body = by > 0 ? x.get(new NDIndex(":, " + rest + "1:")) : x.get(new NDIndex(":, " + rest + "0:{}", n - 1));
        NDArray edge = by > 0 ? x.get(new NDIndex(":, " + rest + "{}:", n - 1)) : x.get(new NDIndex(":, " + rest + "0:1"));
        return by > 0 ? body.concat(edge, axis) : edge.concat(body, axis);
    }

    /** ImageStitch's directions: where image2 goes relative to image1. */
    public enum StitchDirection {
        RIGHT, DOWN, LEFT, UP;

        boolean horizontal() {
            return this == RIGHT || this == LEFT;
        }
    }

    /** ImageStitch's spacing colours, RGB in [0, 1]. */
    public static final Map<String, float[]> STITCH_COLORS = stitchColors();

    private static Map<String, float[]> stitchColors() {
        Map<String, float[]> colors = new LinkedHashMap<>();
        colors.put("white", new float[] {1, 1, 1});
        colors.put("black", new float[] {0, 0, 0});
        colors.put("red", new float[] {1, 0, 0});
        colors.put("green", new float[] {0, 1, 0});
        colors.put("blue", new float[] {0, 0, 1});
        return Collections.unmodifiableMap(colors);
    }

    /**
     * ComfyUI's ImageStitch on [B, H, W, C] images: the shorter batch is filled up with its last entry; with
     * {@code matchSize} image2 is resized (lanczos) to image1's height (left/right; width from its aspect,
     * truncated) or width (up/down), otherwise the smaller side across the seam is padded, split as
     * {@code pad // 2} before and the rest after, with the spacing colour when it is white or black and with black
     * for the others (ComfyUI pads with its scalar colours only); a spacing band (width rounded up to even) of {@code spacingRgb}
     * goes between. Result and temporaries in {@code scratch}.
     */
    public static NDArray stitch(NDArray image1, NDArray image2, StitchDirection direction, boolean matchSize,
                                 int spacingWidth, float[] spacingRgb, NDManager scratch) {
        NDArray a = image1;
        NDArray b = image2;
        long batch = Math.max(a.getShape().get(0), b.getShape().get(0));
        a = fillBatchWithLast(a, batch);
        b = fillBatchWithLast(b, batch);
        if (matchSize) {
            long h1 = a.getShape().get(1), w1 = a.getShape().get(2);
            double aspect = (double) b.getShape().get(2) / b.getShape().get(1);
            int targetW = direction.horizontal() ? (int) (h1 * aspect) : (int) w1;
            int targetH = direction.horizontal() ? (int) h1 : (int) (w1 / aspect);
            b = ImageResizer.resize(b, targetW, targetH, ResizeMethod.LANCZOS, CropMode.DISABLED, scratch);
        } else {
            int across = direction.horizontal() ? 1 : 2;
            long size = Math.max(a.getShape().get(across), b.getShape().get(across));
            boolean grey = spacingRgb[0] == spacingRgb[1] && spacingRgb[1] == spacingRgb[2];
            float padValue = grey ? spacingRgb[0] : 0f;
            a = padCentered(a, across, size, padValue, scratch);
            b = padCentered(b, across, size, padValue, scratch);
        }
        List<NDArray> parts = new ArrayList<>();
        parts.add(direction == StitchDirection.LEFT || direction == StitchDirection.UP ? b : a);
        if (spacingWidth > 0) {
            int width = spacingWidth + spacingWidth % 2;
            long channels = a.getShape().get(3);
            Shape band = direction.horizontal()
                    ? new Shape(batch, Math.max(a.getShape().get(1), b.getShape().get(1)), width, channels)
                    : new Shape(batch, width, Math.max(a.getShape().get(2), b.getShape().get(2)), channels);
            float[] color = new float[(int) channels];
            for (int c = 0; c < channels; c++) color[c] = c < 3 ? spacingRgb[c] : 1f; // alpha opaque
            parts.add(scratch.create(color).toDevice(a.getDevice(), false).toType(a.getDataType(), false)
                    .broadcast(band));
        }
        parts.add(direction == StitchDirection.LEFT || direction == StitchDirection.UP ? a : b);
        return NDArrays.concat(new NDList(parts), direction.horizontal() ? 2 : 1);
    }

    /** {@code x} with its last entry repeated up to {@code batch} entries. */
    private static NDArray fillBatchWithLast(NDArray x, long batch) {
        long have = x.getShape().get(0);
        if (have == batch) return x;
        NDArray last = x.get(new NDIndex("{}:", have - 1));
        Shape shape = new Shape(batch - have, x.getShape().get(1), x.getShape().get(2), x.getShape().get(3));
        return x.concat(last.broadcast(shape), 0);
    }

    /** {@code value} added on both sides of {@code axis} up to {@code size}: {@code pad // 2} before, the rest after. */
    private static NDArray padCentered(NDArray x, int axis, long size, float value, NDManager scratch) {
        long pad = size - x.getShape().get(axis);
        if (pad == 0) return x;
        long[] before = x.getShape().getShape().clone();
        long[] after = x.getShape().getShape().clone();
        before[axis] = pad / 2;
        after[axis] = pad - pad / 2;
        NDArray padBefore = scratch.full(new Shape(before), value, x.getDataType(), x.getDevice());
        NDArray padAfter = scratch.full(new Shape(after), value, x.getDataType(), x.getDevice());
        return NDArrays.concat(new NDList(padBefore, x, padAfter), axis);
    }
}
