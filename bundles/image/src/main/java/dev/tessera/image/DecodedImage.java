package dev.tessera.image;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.color.ColorSpace;
import java.util.Objects;

/**
 * An image as 8-bit non-premultiplied ARGB pixels, row-major: the common ground between decoded files,
 * {@link BufferedImage}s and tensors. Eight bits per channel because that is what ComfyUI loads (PIL's
 * {@code convert("RGB")}), so values divided by 255 match its IMAGE tensors exactly.
 *
 * @param hasAlpha whether the source carried an alpha channel (or palette transparency)
 */
public record DecodedImage(int width, int height, int[] argb, boolean hasAlpha) {

    public DecodedImage {
        Objects.requireNonNull(argb, "argb");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (argb.length != width * height) {
            throw new IllegalArgumentException(
                    "argb holds " + argb.length + " pixels, a " + width + "x" + height + " image needs " + width * height);
        }
    }

    public int pixel(int x, int y) {
        return argb[y * width + x];
    }

    /**
     * Reads the pixels of any {@link BufferedImage}. Gray and RGB rasters are read sample by sample without
     * colour-space conversion (Java's {@code getRGB} would apply a gamma curve to linear-gray images, which
     * PIL does not); 16-bit samples keep their high byte, as PIL does for RGB.
     */
    public static DecodedImage of(BufferedImage image) {
        Objects.requireNonNull(image, "image");
        int w = image.getWidth();
        int h = image.getHeight();
        ColorModel cm = image.getColorModel();
        int[] out = new int[w * h];
        if (cm instanceof IndexColorModel || cm.isAlphaPremultiplied() || !isGrayOrRgb(cm)) {
            image.getRGB(0, 0, w, h, out, 0, w);
            return new DecodedImage(w, h, out, cm.hasAlpha());
        }
        Raster raster = image.getRaster();
        boolean gray = cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY;
        int colorBands = gray ? 1 : 3;
        int[] shifts = new int[raster.getNumBands()];
        for (int b = 0; b < shifts.length; b++) {
            shifts[b] = Math.max(0, cm.getComponentSize(b) - 8);
        }
        int[] samples = new int[raster.getNumBands()];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                raster.getPixel(x, y, samples);
                int r = samples[0] >>> shifts[0];
                int g = gray ? r : samples[1] >>> shifts[1];
                int b = gray ? r : samples[2] >>> shifts[2];
                int a = cm.hasAlpha() ? samples[colorBands] >>> shifts[colorBands] : 255;
                out[y * w + x] = (a << 24) | (r << 16) | (g << 8) | b;
            }
        }
        return new DecodedImage(w, h, out, cm.hasAlpha());
    }

    private static boolean isGrayOrRgb(ColorModel cm) {
        int type = cm.getColorSpace().getType();
        return type == ColorSpace.TYPE_GRAY || type == ColorSpace.TYPE_RGB;
    }

    /** An opaque RGB {@link BufferedImage} of these pixels (alpha dropped). */
    public BufferedImage toBufferedImage() {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, width, height, argb, 0, width);
        return image;
    }
}
