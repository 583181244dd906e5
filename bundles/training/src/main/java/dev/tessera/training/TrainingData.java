package dev.tessera.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.layout.Layout;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A dataset held in memory for training: every image as RGB bytes (a 64x64 image is 12 KB, so tens of thousands
 * fit), its caption and its layout. All images have one size.
 */
public final class TrainingData {

    private final int width;
    private final int height;
    private final byte[][] pixels;
    private final List<Layout> layouts;
    private final List<String> names;

    private TrainingData(int width, int height, byte[][] pixels, List<Layout> layouts, List<String> names) {
        this.width = width;
        this.height = height;
        this.pixels = pixels;
        this.layouts = List.copyOf(layouts);
        this.names = List.copyOf(names);
    }

    /**
     * @param names what to call each entry in errors (its file)
     * @throws TrainingException naming the first entry whose size differs from the first's
     */
    public static TrainingData of(List<BufferedImage> images, List<Layout> layouts, List<String> names) {
        if (images.isEmpty()) {
            throw new TrainingException("the dataset is empty");
        }
        if (images.size() != layouts.size() || images.size() != names.size()) {
            throw new IllegalArgumentException(images.size() + " images, " + layouts.size() + " layouts");
        }
        int w = images.get(0).getWidth();
        int h = images.get(0).getHeight();
        byte[][] pixels = new byte[images.size()][];
        for (int i = 0; i < images.size(); i++) {
            BufferedImage image = images.get(i);
            if (image.getWidth() != w || image.getHeight() != h) {
                throw new TrainingException(names.get(i) + ": the image is " + image.getWidth() + "x"
                        + image.getHeight() + ", the dataset's first " + w + "x" + h + "; every image must have one"
                        + " size");
            }
            byte[] rgb = new byte[3 * w * h];
            int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
            for (int p = 0; p < argb.length; p++) {
                rgb[p] = (byte) (argb[p] >> 16);
                rgb[w * h + p] = (byte) (argb[p] >> 8);
                rgb[2 * w * h + p] = (byte) argb[p];
            }
            pixels[i] = rgb;
        }
        return new TrainingData(w, h, pixels, layouts, names);
    }

    public int size() {
        return pixels.length;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public Layout layout(int index) {
        return layouts.get(index);
    }

    public String caption(int index) {
        return layouts.get(index).caption();
    }

    public String name(int index) {
        return names.get(index);
    }

    public List<Layout> layouts() {
        return layouts;
    }

    /** The first image of {@code batch} [B, 3, H, W] in [-1, 1] as an 8-bit RGB image (clamped, rounded). */
    public static BufferedImage toImage(NDArray batch) {
        Shape shape = batch.getShape();
        int h = (int) shape.get(2);
        int w = (int) shape.get(3);
        float[] v = batch.get(0).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int p = 0; p < w * h; p++) {
            int r = channel(v[p]);
            int g = channel(v[w * h + p]);
            int b = channel(v[2 * w * h + p]);
            image.setRGB(p % w, p / w, (r << 16) | (g << 8) | b);
        }
        return image;
    }

    private static int channel(float value) {
        return Math.max(0, Math.min(255, Math.round((value + 1f) * 127.5f)));
    }

    /** Images {@code indices} as [B, 3, H, W] float32 in [-1, 1] (the SD VAE's range) on {@code manager}. */
    public NDArray images(int[] indices, NDManager manager) {
        int plane = 3 * width * height;
        float[] values = new float[indices.length * plane];
        for (int b = 0; b < indices.length; b++) {
            byte[] rgb = pixels[indices[b]];
            for (int i = 0; i < plane; i++) {
                values[b * plane + i] = (rgb[i] & 0xff) / 127.5f - 1f;
            }
        }
        return manager.create(values, new Shape(indices.length, 3, height, width)).duplicate();
    }
}
