package dev.tessera.models.core;

import ai.djl.ndarray.types.DataType;
import java.util.Set;

/**
 * The dtypes the models compute in. bfloat16 is excluded: DJL 0.35's PyTorch JNI aborts the whole process
 * ("terminate called without an active exception") on creating or converting to a bfloat16 tensor, so it is
 * refused up front with a message instead.
 */
public final class ComputeTypes {

    public static final Set<DataType> SUPPORTED = Set.of(DataType.FLOAT32, DataType.FLOAT16);

    private ComputeTypes() {
    }

    /** Throws IllegalArgumentException naming {@code what} unless {@code dtype} is supported. */
    public static DataType require(DataType dtype, String what) {
        if (!SUPPORTED.contains(dtype)) {
            throw new IllegalArgumentException(what + ": compute dtype " + dtype + " is not supported (float32 or"
                    + " float16; bfloat16 aborts the process in DJL 0.35's PyTorch engine)");
        }
        return dtype;
    }
}
