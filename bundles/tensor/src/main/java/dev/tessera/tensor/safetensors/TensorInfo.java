package dev.tessera.tensor.safetensors;

import java.util.Arrays;

/**
 * One tensor's header entry.
 *
 * @param name     the tensor's name
 * @param dtype    its element type
 * @param shape    its dimensions (empty for a scalar); a copy, so callers may not alter the file's view
 * @param offset   the start of its data, in bytes from the start of the data section (after the header)
 * @param byteSize the length of its data in bytes
 */
public record TensorInfo(String name, SafetensorsDType dtype, long[] shape, long offset, long byteSize) {

    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements (1 for a scalar). */
    public long elementCount() {
        long count = 1;
        for (long dim : shape) {
            count *= dim;
        }
        return count;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TensorInfo that && name.equals(that.name) && dtype == that.dtype
                && Arrays.equals(shape, that.shape) && offset == that.offset && byteSize == that.byteSize;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * name.hashCode() + dtype.hashCode()) + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape) + " @" + offset + "+" + byteSize;
    }
}
