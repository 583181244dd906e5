package dev.tessera.image;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Objects;

/**
 * ComfyUI's MASK: a batch of single-channel masks {@code [B, H, W]} with values in [0, 1] (1 = masked), on any
 * device. Owns its {@link NDManager} like {@link ImageBatch}.
 */
public final class MaskBatch implements AutoCloseable {

    /** The size of the mask LoadImage gives for an image without alpha, as ComfyUI. */
    public static final int EMPTY_SIZE = 64;

    private final NDManager manager;
    private final NDArray values;

    private MaskBatch(NDManager manager, NDArray values) {
        this.manager = manager;
        this.values = values;
    }

    /** A mask batch that takes ownership of {@code manager} and moves {@code values} into it. */
    public static MaskBatch owning(NDManager manager, NDArray values) {
        Objects.requireNonNull(manager, "manager");
        checkValues(values);
        values.attach(manager);
        return new MaskBatch(manager, values);
    }

    /** A mask batch in a new sub-manager of {@code parent}, holding {@code values} (moved into it). */
    public static MaskBatch of(NDManager parent, NDArray values) {
        checkValues(values);
        return owning(parent.newSubManager(values.getDevice()), values);
    }

    /** Zeros [batch, height, width], float32 on {@code device}. */
    public static MaskBatch zeros(NDManager parent, int batch, int height, int width, Device device) {
        NDManager own = parent.newSubManager(device);
        return new MaskBatch(own, own.zeros(new Shape(batch, height, width), DataType.FLOAT32));
    }

    /** {@link #createInvertedAlpha} as a batch on {@code device} in a new sub-manager of {@code parent}. */
    public static MaskBatch fromInvertedAlpha(NDManager parent, List<DecodedImage> images, Device device) {
        NDManager own = parent.newSubManager(device);
        try {
            return new MaskBatch(own, createInvertedAlpha(own, images));
        } catch (RuntimeException e) {
            own.close();
            throw e;
        }
    }

    /**
     * The inverted alpha of images of equal size, {@code 1 - alpha / 255}, as ComfyUI's LoadImage (transparent
     * pixels are masked): float32 [B, H, W] created in {@code manager} on its device.
     */
    public static NDArray createInvertedAlpha(NDManager manager, List<DecodedImage> images) {
        if (images.isEmpty()) throw new IllegalArgumentException("a mask batch needs at least one image");
        int w = images.get(0).width();
        int h = images.get(0).height();
        float[] data = new float[images.size() * h * w];
        int i = 0;
        for (int n = 0; n < images.size(); n++) {
            DecodedImage img = images.get(n);
            if (img.width() != w || img.height() != h) {
                throw new IllegalArgumentException("image " + n + " is " + img.width() + "x" + img.height()
                        + " but image 0 is " + w + "x" + h + ": a batch holds masks of one size");
            }
            for (int p : img.argb()) {
                // Same float32 arithmetic as numpy: 1 - (a / 255).
                data[i++] = 1f - (p >>> 24) / 255f;
            }
        }
        return manager.create(FloatBuffer.wrap(data), new Shape(images.size(), h, w));
    }

    /** The tensor [B, H, W]; it belongs to this batch and is closed with it. */
    public NDArray values() {
        return values;
    }

    public int batchSize() {
        return (int) values.getShape().get(0);
    }

    public int height() {
        return (int) values.getShape().get(1);
    }

    public int width() {
        return (int) values.getShape().get(2);
    }

    public MaskBatch copy(NDManager parent) {
        return of(parent, values.duplicate());
    }

    /** Mask {@code index} as float32 values, row-major [H, W], copied to the heap. */
    public float[] toFloats(int index) {
        if (index < 0 || index >= batchSize()) {
            throw new IndexOutOfBoundsException("mask " + index + " of a batch of " + batchSize());
        }
        try (NDManager tmp = manager.newSubManager(Device.cpu())) {
            NDArray one = values.get(index);
            one.attach(tmp);
            NDArray cpu = one.toDevice(Device.cpu(), false);
            cpu.attach(tmp);
            NDArray f32 = cpu.toType(DataType.FLOAT32, false);
            f32.attach(tmp);
            return f32.toFloatArray();
        }
    }

    static void checkValues(NDArray values) {
        Objects.requireNonNull(values, "values");
        Shape s = values.getShape();
        if (s.dimension() != 3 || s.get(0) < 1 || s.get(1) < 1 || s.get(2) < 1) {
            throw new IllegalArgumentException("a MASK is a [B,H,W] tensor with B,H,W >= 1, got shape " + s);
        }
        if (!values.getDataType().isFloating()) {
            throw new IllegalArgumentException("a MASK holds floating-point values, got " + values.getDataType());
        }
    }

    @Override
    public void close() {
        manager.close();
    }

    @Override
    public String toString() {
        return "MaskBatch" + values.getShape() + " " + values.getDataType() + " on " + values.getDevice();
    }
}
