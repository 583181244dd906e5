package dev.tessera.miglora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * The text embeddings of a layout's instances, instance 0 being the global caption: {@code [count, tokens, width]}
 * float32 values on the host. A host copy keeps a model patch free of device memory it would have to own; it is
 * small (77 x 768 floats, 236 KB, per instance for SD1.5) and goes to the device once per step.
 */
public record InstanceEmbeddings(float[] values, int count, int tokens, int width) {

    public InstanceEmbeddings {
        if (count <= 0 || tokens <= 0 || width <= 0 || values.length != (long) count * tokens * width) {
            throw new MigLoraException("instance embeddings: " + values.length + " values for [" + count + ", "
                    + tokens + ", " + width + "]");
        }
        values = values.clone();
    }

    /** From an array {@code [count, tokens, width]} of any floating dtype. */
    public static InstanceEmbeddings of(NDArray embeddings) {
        Shape s = embeddings.getShape();
        if (s.dimension() != 3) {
            throw new MigLoraException("instance embeddings have shape " + s + "; expected [instances, tokens, width]");
        }
        float[] values = embeddings.getDataType() == DataType.FLOAT32 ? embeddings.toFloatArray()
                : embeddings.toType(DataType.FLOAT32, false).toFloatArray();
        return new InstanceEmbeddings(values, (int) s.get(0), (int) s.get(1), (int) s.get(2));
    }

    /**
     * The embeddings on {@code manager}'s device in {@code type}: a tensor that owns its memory, since a backward
     * pass (MIGLoRA training) reads the context after the forward's scopes have closed (architecture.md).
     */
    public NDArray create(NDManager manager, DataType type) {
        NDArray array = manager.create(values, new Shape(count, tokens, width));
        return type == DataType.FLOAT32 ? array.duplicate() : array.toType(type, false);
    }

    /** A 64-bit content hash, for patch keys. */
    public long contentHash() {
        long h = 1125899906842597L;
        for (float v : values) {
            h = 31 * h + Float.floatToIntBits(v);
        }
        return h ^ ((long) Arrays.hashCode(new int[] {count, tokens, width}) << 32);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InstanceEmbeddings e && e.count == count && e.tokens == tokens && e.width == width
                && Arrays.equals(e.values, values);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(contentHash());
    }

    @Override
    public String toString() {
        return "InstanceEmbeddings[" + count + ", " + tokens + ", " + width + "]";
    }
}
