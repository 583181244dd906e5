package dev.tessera.diffusion.nodes.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.tessera.image.Compositing;
import dev.tessera.image.CropMode;
import dev.tessera.image.ImageResizer;
import dev.tessera.image.ResizeMethod;

/**
 * ComfyUI's latent arithmetic (LatentComposite, LatentBlend, LatentFromBatch, RepeatLatentBatch, the latent
 * upscales) on {@code [B, C, h, w]} tensors, positions in latent cells. Results are new arrays in {@code scratch};
 * the inputs are left as they are.
 */
public final class LatentMath {

    private LatentMath() {}

    /** ComfyUI's {@code common_upscale} on a latent: the image resizer over its cells, channels last. */
    public static NDArray resizeCells(NDArray samples, int width, int height, ResizeMethod method, CropMode crop,
            NDManager scratch) {
        NDArray channelsLast = ImageResizer.borrow(samples, scratch).transpose(0, 2, 3, 1);
        return ImageResizer.resize(channelsLast, width, height, method, crop, scratch).transpose(0, 3, 1, 2)
                .duplicate();
    }

    /**
     * ComfyUI's LatentComposite: {@code from} written into a copy of {@code to} with its corner at cell
     * ({@code x}, {@code y}), cut at {@code to}'s edge. With {@code feather} &gt; 0 cells, the pasted block fades in
     * over that many cells on each side that lies inside {@code to} (row or column t from such an edge weighs
     * {@code (t + 1) / feather}, the weights of two edges multiplied), as ComfyUI's loop. A {@code from} batch of 1
     * goes into every entry.
     */
    public static NDArray composite(NDArray to, NDArray from, int x, int y, int feather, NDManager scratch) {
        Shape t = to.getShape();
        int toH = (int) t.get(2);
        int toW = (int) t.get(3);
        NDArray out = ImageResizer.borrow(to, scratch).duplicate();
        int h = (int) Math.min(from.getShape().get(2), toH - y);
        int w = (int) Math.min(from.getShape().get(3), toW - x);
        if (h <= 0 || w <= 0) return out;
        NDArray block = ImageResizer.borrow(from, scratch).toDevice(out.getDevice(), false)
                .toType(out.getDataType(), false).get(new NDIndex(":, :, 0:{}, 0:{}", h, w));
        NDIndex region = new NDIndex(":, :, {}:{}, {}:{}", y, y + h, x, x + w);
        if (feather > 0) {
            float[] weights = featherWeights(h, w, x != 0, y != 0, x + w < toW, y + h < toH, feather);
            NDArray m = scratch.create(weights, new Shape(1, 1, h, w)).toDevice(out.getDevice(), false)
                    .toType(out.getDataType(), false);
            block = block.mul(m).add(out.get(region).mul(m.neg().add(1f)));
        }
        out.set(region, block.broadcast(new Shape(t.get(0), t.get(1), h, w)));
        return out;
    }

    /** LatentComposite's feather mask, [h * w] row-major: ComfyUI's loop, edge by edge. */
    static float[] featherWeights(int h, int w, boolean left, boolean top, boolean right, boolean bottom,
            int feather) {
        float[] mask = new float[h * w];
        java.util.Arrays.fill(mask, 1f);
        for (int t = 0; t < feather; t++) {
            float f = (1f / feather) * (t + 1);
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    if (top && i == t) mask[i * w + j] *= f;
                    if (bottom && i == h - 1 - t) mask[i * w + j] *= f;
                    if (left && j == t) mask[i * w + j] *= f;
                    if (right && j == w - 1 - t) mask[i * w + j] *= f;
                }
            }
        }
        return mask;
    }

    /**
     * ComfyUI's LatentBlend: {@code a * factor + b * (1 - factor)}; a {@code b} of another size is first resized to
     * {@code a}'s cells (bicubic, centre crop).
     */
    public static NDArray blend(NDArray a, NDArray b, double factor, NDManager scratch) {
        NDArray first = ImageResizer.borrow(a, scratch);
        NDArray second = ImageResizer.borrow(b, scratch).toDevice(first.getDevice(), false)
                .toType(first.getDataType(), false);
        Shape s = first.getShape();
        if (second.getShape().get(2) != s.get(2) || second.getShape().get(3) != s.get(3)) {
            second = resizeCells(second, (int) s.get(3), (int) s.get(2), ResizeMethod.BICUBIC, CropMode.CENTER,
                    scratch);
        }
        return first.mul((float) factor).add(second.mul((float) (1 - factor)));
    }

    /**
     * ComfyUI's LatentFromBatch on one tensor: entries {@code [index, index + length)} of {@code x}, index clamped
     * to the last entry and length to what is left. A single entry (e.g. one noise mask for a batch) is kept
     * whole; a shorter batch is first repeated to {@code batch}.
     */
    public static NDArray fromBatch(NDArray x, long batch, int index, int length, NDManager scratch) {
        NDArray own = ImageResizer.borrow(x, scratch);
        if (own.getShape().get(0) == 1 && batch != 1) return own.duplicate();
        long first = Math.min(batch - 1, index);
        long count = Math.min(batch - first, length);
        return Compositing.repeatToBatch(own, batch).get(new NDIndex("{}:{}", first, first + count)).duplicate();
    }

    /** ComfyUI's RepeatLatentBatch on one tensor: the whole batch {@code amount} times in a row (torch's repeat). */
    public static NDArray repeatBatch(NDArray x, int amount, NDManager scratch) {
        return Compositing.tileBatch(ImageResizer.borrow(x, scratch), amount);
    }

    /**
     * ComfyUI's LatentFromBatch on {@code batch_index}: the taken entries' indices, {@code index .. index + length - 1}
     * (clamped as the samples are), or that slice of the indices the latent already carries.
     */
    public static long[] fromBatchIndex(long[] carried, long batch, int index, int length) {
        long first = Math.min(batch - 1, index);
        long count = Math.min(batch - first, length);
        long[] out = new long[(int) count];
        for (int i = 0; i < count; i++) {
            out[i] = carried == null ? first + i : carried[(int) first + i];
        }
        return out;
    }

    /**
     * ComfyUI's RepeatLatentBatch on {@code batch_index}: the indices, then {@code amount - 1} copies shifted by
     * {@code max - min + 1} each; null (a batch of its own) stays null.
     */
    public static long[] repeatBatchIndex(long[] carried, int amount) {
        if (carried == null) {
            return null;
        }
        long offset = java.util.Arrays.stream(carried).max().orElse(0) - java.util.Arrays.stream(carried).min()
                .orElse(0) + 1;
        long[] out = new long[carried.length * amount];
        for (int i = 0; i < amount; i++) {
            for (int k = 0; k < carried.length; k++) {
                out[i * carried.length + k] = carried[k] + i * offset;
            }
        }
        return out;
    }
}
