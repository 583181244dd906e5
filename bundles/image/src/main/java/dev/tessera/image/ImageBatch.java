package dev.tessera.image;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * ComfyUI's IMAGE: a batch of RGB images as one tensor {@code [B, H, W, 3]} with values in [0, 1], on any device.
 * Producers normally give float32, as ComfyUI does; a GPU pipeline may hand over float16 or bfloat16, which every
 * consumer here accepts.
 *
 * <p>The batch owns its {@link NDManager}: closing the batch frees the tensor. The host's output cache closes
 * batches it evicts, so a node that returns a batch must not keep using it, and a node that passes an input on
 * unchanged must copy it (two owners would close it twice).
 */
public final class ImageBatch implements AutoCloseable {

    public static final int CHANNELS = 3;

    private final NDManager manager;
    private final NDArray pixels;

    private ImageBatch(NDManager manager, NDArray pixels) {
        this.manager = manager;
        this.pixels = pixels;
    }

    /**
     * A batch that takes ownership of {@code manager} (closing the batch closes it) and moves {@code pixels}
     * into it.
     *
     * @throws IllegalArgumentException if pixels is not a floating-point [B,H,W,3] tensor
     * @throws ArithmeticException      if a value is NaN or infinite (the manager is closed then)
     */
    public static ImageBatch owning(NDManager manager, NDArray pixels) {
        Objects.requireNonNull(manager, "manager");
        checkPixels(pixels);
        pixels.attach(manager);
        try {
            checkFinite(pixels);
        } catch (ArithmeticException e) {
            manager.close();
            throw e;
        }
        return new ImageBatch(manager, pixels);
    }

    /**
     * Every IMAGE a node produces passes here ({@link #of} too), so a NaN or infinite result (a VAE with broken
     * weights decodes to NaN, which PNG encoding would turn into black) fails the node that made it instead of being
     * saved. One reduction on the tensor's device: the maximum of |x| is NaN or infinite exactly when some value is.
     */
    private static void checkFinite(NDArray pixels) {
        float peak;
        try (NDArray abs = pixels.abs(); NDArray max = abs.max(); NDArray f32 = max.toType(DataType.FLOAT32, true)) {
            peak = f32.getFloat();
        }
        if (!Float.isFinite(peak)) {
            throw new ArithmeticException("the IMAGE holds values that are not finite (" + (Float.isNaN(peak) ? "NaN" : "infinite")
                    + "), e.g. a decode with broken model weights; nothing is passed on or saved");
        }
    }

    /** A batch in a new sub-manager of {@code parent}, holding {@code pixels} (moved into it). */
    public static ImageBatch of(NDManager parent, NDArray pixels) {
        checkPixels(pixels);
        return owning(parent.newSubManager(pixels.getDevice()), pixels);
    }

    /** Images of equal size as a float32 batch on {@code device} in a new sub-manager of {@code parent}; see {@link #createPixels}. */
    public static ImageBatch fromImages(NDManager parent, List<DecodedImage> images, Device device) {
        NDManager own = parent.newSubManager(device);
        try {
            return new ImageBatch(own, createPixels(own, images));
        } catch (RuntimeException e) {
            own.close();
            throw e;
        }
    }

    /**
     * The float32 tensor [B, H, W, 3] of images of equal size, created in {@code manager} on its device: the
     * 8-bit samples divided by 255, as ComfyUI loads them. Alpha is dropped (see {@link MaskBatch}).
     */
    public static NDArray createPixels(NDManager manager, List<DecodedImage> images) {
        if (images.isEmpty()) throw new IllegalArgumentException("an image batch needs at least one image");
        DecodedImage first = images.get(0);
        int w = first.width();
        int h = first.height();
        float[] data = new float[images.size() * h * w * CHANNELS];
        int i = 0;
        for (int n = 0; n < images.size(); n++) {
            DecodedImage img = images.get(n);
            if (img.width() != w || img.height() != h) {
                throw new IllegalArgumentException("image " + n + " is " + img.width() + "x" + img.height()
                        + " but image 0 is " + w + "x" + h + ": a batch holds images of one size");
            }
            for (int p : img.argb()) {
                data[i++] = ((p >>> 16) & 0xFF) / 255f;
                data[i++] = ((p >>> 8) & 0xFF) / 255f;
                data[i++] = (p & 0xFF) / 255f;
            }
        }
        return manager.create(FloatBuffer.wrap(data), new Shape(images.size(), h, w, CHANNELS));
    }

    /** {@link #fromImages} for {@link BufferedImage}s. */
    public static ImageBatch fromBufferedImages(NDManager parent, List<BufferedImage> images, Device device) {
        return fromImages(parent, images.stream().map(DecodedImage::of).toList(), device);
    }

    /** The tensor [B, H, W, 3]; it belongs to this batch and is closed with it. */
    public NDArray pixels() {
        return pixels;
    }

    public int batchSize() {
        return (int) pixels.getShape().get(0);
    }

    public int height() {
        return (int) pixels.getShape().get(1);
    }

    public int width() {
        return (int) pixels.getShape().get(2);
    }

    /** A copy of this batch in a new sub-manager of {@code parent}. */
    public ImageBatch copy(NDManager parent) {
        return of(parent, pixels.duplicate());
    }

    /**
     * The 8-bit RGB samples of image {@code index}, row-major [H, W, 3]: {@code clip(255 x, 0, 255)} truncated,
     * exactly as ComfyUI's SaveImage quantises ({@code numpy.astype(uint8)} truncates).
     */
    public byte[] toRgb8(int index) {
        return quantize(imageFloats(index));
    }

    /** Image {@code index} as an opaque RGB {@link BufferedImage}, quantised as {@link #toRgb8}. */
    public BufferedImage toBufferedImage(int index) {
        byte[] rgb = toRgb8(index);
        int w = width();
        int h = height();
        int[] argb = new int[w * h];
        for (int p = 0; p < argb.length; p++) {
            argb[p] = 0xFF000000 | (rgb[3 * p] & 0xFF) << 16 | (rgb[3 * p + 1] & 0xFF) << 8 | (rgb[3 * p + 2] & 0xFF);
        }
        return new DecodedImage(w, h, argb, false).toBufferedImage();
    }

    public List<BufferedImage> toBufferedImages() {
        List<BufferedImage> out = new ArrayList<>();
        for (int n = 0; n < batchSize(); n++) out.add(toBufferedImage(n));
        return out;
    }

    private float[] imageFloats(int index) {
        if (index < 0 || index >= batchSize()) {
            throw new IndexOutOfBoundsException("image " + index + " of a batch of " + batchSize());
        }
        try (NDManager tmp = manager.newSubManager(Device.cpu())) {
            NDArray one = pixels.get(index);
            one.attach(tmp);
            NDArray cpu = one.toDevice(Device.cpu(), false);
            cpu.attach(tmp);
            NDArray f32 = cpu.toType(DataType.FLOAT32, false);
            f32.attach(tmp);
            return f32.toFloatArray();
        }
    }

    static byte[] quantize(float[] values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            float v = 255f * values[i];
            // NaN maps to 0, as numpy's clip-then-cast does on x86.
            out[i] = (byte) (v >= 255f ? 255 : v > 0f ? (int) v : 0);
        }
        return out;
    }

    static void checkPixels(NDArray pixels) {
        Objects.requireNonNull(pixels, "pixels");
        Shape s = pixels.getShape();
        if (s.dimension() != 4 || s.get(3) != CHANNELS || s.get(0) < 1 || s.get(1) < 1 || s.get(2) < 1) {
            throw new IllegalArgumentException("an IMAGE is a [B,H,W,3] tensor with B,H,W >= 1, got shape " + s);
        }
        if (!pixels.getDataType().isFloating()) {
            throw new IllegalArgumentException("an IMAGE holds floating-point values, got " + pixels.getDataType());
        }
    }

    @Override
    public void close() {
        manager.close();
    }

    @Override
    public String toString() {
        return "ImageBatch" + pixels.getShape() + " " + pixels.getDataType() + " on " + pixels.getDevice();
    }
}
