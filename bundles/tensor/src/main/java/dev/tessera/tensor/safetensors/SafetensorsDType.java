package dev.tessera.tensor.safetensors;

import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The element types this reader supports, under their safetensors header names.
 *
 * <p>DJL 0.35's PyTorch engine has no bfloat16: its native layer aborts the JVM (not an exception) on any bfloat16
 * tensor. So {@link #BF16} loads widened to float32, which is exact (a bfloat16 is the top half of a float32).
 */
public enum SafetensorsDType {
    F32(DataType.FLOAT32, 4),
    F16(DataType.FLOAT16, 2),
    BF16(DataType.FLOAT32, 2),
    I64(DataType.INT64, 8),
    I32(DataType.INT32, 4),
    U8(DataType.UINT8, 1),
    BOOL(DataType.BOOLEAN, 1);

    private final DataType djl;
    private final int byteSize;

    SafetensorsDType(DataType djl, int byteSize) {
        this.djl = djl;
        this.byteSize = byteSize;
    }

    /** The DJL data type a loaded tensor has: the same type, except float32 for {@link #BF16}. */
    public DataType toDjl() {
        return djl;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** The type named {@code code} in a header ("F32", "BF16", ...), if supported. */
    public static Optional<SafetensorsDType> fromCode(String code) {
        return Arrays.stream(values()).filter(t -> t.name().equals(code)).findFirst();
    }

    /** The type DJL's {@code type} is written as, if supported (never {@link #BF16}: DJL has no such tensors). */
    public static Optional<SafetensorsDType> fromDjl(DataType type) {
        return Arrays.stream(values()).filter(t -> t != BF16 && t.djl == type).findFirst();
    }

    /** The supported header names, for error messages. */
    static String supportedCodes() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
