package dev.tessera.sd.nodes.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.image.ImageResizer;
import dev.tessera.image.CropMode;
import dev.tessera.image.ResizeMethod;
import dev.tessera.model.api.Conditioning;

/**
 * ComfyUI's {@code mask} of a conditioning entry (ConditioningSetMask): a {@code [1, H, W]} mask of any resolution,
 * resized to the latent when sampling (bilinear, {@code align_corners=False}, as ComfyUI's
 * {@code resolve_areas_and_cond_masks_multidim}), whose values times {@code mask_strength} are the entry's cell
 * weights; with {@code set_area_to_bounds} the entry runs on the bounding box of the mask's non-zero cells only.
 */
public final class ConditioningMask {

    /** ComfyUI's extras keys. */
    public static final String KEY = Conditioning.MASK;
    public static final String TO_BOUNDS = "set_area_to_bounds";
    public static final String STRENGTH = "mask_strength";

    private ConditioningMask() {
    }

    /** Whether {@code entry} has a mask. */
    public static boolean declared(Conditioning.Entry entry) {
        return entry.extras().get(KEY) instanceof NDArray;
    }

    /** The entry's mask resized to {@code [1, 1, height, width]} float32 cells on {@code m}, or null without one. */
    public static NDArray resized(Conditioning.Entry entry, long height, long width, NDManager m) {
        if (!(entry.extras().get(KEY) instanceof NDArray mask)) {
            return null;
        }
        NDArray values = mask.toDevice(m.getDevice(), true);
        values.attach(m);
        NDArray nhwc = values.toType(DataType.FLOAT32, false).reshape(1, mask.getShape().get(1),
                mask.getShape().get(2), 1);
        NDArray cells = nhwc.getShape().get(1) == height && nhwc.getShape().get(2) == width ? nhwc
                : ImageResizer.resize(nhwc, (int) width, (int) height, ResizeMethod.BILINEAR, CropMode.DISABLED, m);
        return cells.reshape(1, 1, height, width);
    }

    /** Whether the entry runs on its mask's bounding box (ComfyUI's {@code set_cond_area = "mask bounds"}). */
    public static boolean toBounds(Conditioning.Entry entry) {
        return Boolean.TRUE.equals(entry.extras().get(TO_BOUNDS));
    }

    /** The entry's {@code mask_strength} (default 1). */
    public static double strength(Conditioning.Entry entry) {
        return entry.extras().get(STRENGTH) instanceof Number n ? n.doubleValue() : 1.0;
    }

    /** The bounding box of the non-zero cells of a {@code [1, 1, h, w]} mask, or null when all are zero. */
    public static ConditioningArea bounds(NDArray cells) {
        int h = (int) cells.getShape().get(2);
        int w = (int) cells.getShape().get(3);
        float[] v = cells.toFloatArray();
        int minY = h, minX = w, maxY = -1, maxX = -1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (v[y * w + x] != 0f) {
                    minY = Math.min(minY, y);
                    maxY = Math.max(maxY, y);
                    minX = Math.min(minX, x);
                    maxX = Math.max(maxX, x);
                }
            }
        }
        return maxY < 0 ? null : new ConditioningArea(maxY - minY + 1, maxX - minX + 1, minY, minX);
    }
}
