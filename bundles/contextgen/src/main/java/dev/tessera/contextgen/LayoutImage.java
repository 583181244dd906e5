package dev.tessera.contextgen;

import dev.tessera.image.PilResample;

/**
 * A user's layout image as the released ContextGen takes it (generate.py {@code process_layout_image}, then
 * pipeline_preprocess.py): the RGB resized to the output size with Pillow's LANCZOS, the alpha with NEAREST, the
 * alpha binarized at 0.5 (the mask processor's {@code do_binarize}) and multiplied into the image normalised to
 * [-1, 1], so transparent areas become 0 there: mid-grey 0.5 in [0, 1], the same grey as the composite's
 * background. An image without alpha counts as opaque (the released code refuses one; a graph IMAGE has none).
 * Heap arrays in, {@code [outH, outW, 3]} in [0, 1] out.
 */
public final class LayoutImage {

    private LayoutImage() {}

    /**
     * @param rgb8 {@code [height, width, 3]} 8-bit samples
     * @param alpha8 {@code [height, width]} 8-bit alpha, or null for an opaque image
     */
    public static float[] fromRgba8(int width, int height, int[] rgb8, int[] alpha8, int outW, int outH) {
        if (rgb8.length != width * height * 3 || (alpha8 != null && alpha8.length != width * height)) {
            throw new InvalidContextGenInputException("layout image", "has " + rgb8.length / 3 + " RGB and "
                    + (alpha8 == null ? 0 : alpha8.length) + " alpha samples; expected " + width + "x" + height);
        }
        boolean same = width == outW && height == outH;
        int[] rgb = same ? rgb8 : PilResample.resize(rgb8, width, height, 3, outW, outH, PilResample.Filter.LANCZOS);
        int[] alpha = alpha8 == null || same ? alpha8 : PilResample.resizeNearest(alpha8, width, height, 1, outW, outH);
        float[] out = new float[outW * outH * 3];
        for (int p = 0; p < outW * outH; p++) {
            // alpha8 / 255 >= 0.5 exactly when alpha8 >= 128.
            boolean opaque = alpha == null || alpha[p] >= 128;
            for (int c = 0; c < 3; c++) {
                out[3 * p + c] = opaque ? rgb[3 * p + c] / 255f : LayoutCompositor.BACKGROUND;
            }
        }
        return out;
    }

    /**
     * An opaque float image (a graph IMAGE, {@code [height, width, 3]} in [0, 1]) at the output size: unchanged
     * when it already is, else taken to 8 bits (round to nearest, as a PNG would hold it) and resized with LANCZOS.
     */
    public static float[] fromRgb(int width, int height, float[] rgb, int outW, int outH) {
        if (rgb.length != width * height * 3) {
            throw new InvalidContextGenInputException("layout image", "has " + rgb.length / 3 + " pixels; expected "
                    + width + "x" + height);
        }
        if (width == outW && height == outH) {
            return rgb.clone();
        }
        int[] rgb8 = new int[rgb.length];
        for (int i = 0; i < rgb8.length; i++) {
            rgb8[i] = Math.round(Math.max(0f, Math.min(1f, rgb[i])) * 255f);
        }
        return fromRgba8(width, height, rgb8, null, outW, outH);
    }
}
