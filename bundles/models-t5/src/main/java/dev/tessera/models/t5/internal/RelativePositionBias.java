package dev.tessera.models.t5.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * T5's bidirectional relative position buckets and the bias they select from the first block's
 * {@code relative_attention_bias} table (the encoder computes it once and every block adds the same bias).
 *
 * <p>The bucket arithmetic runs as libtorch float32 ops, the same ops transformers runs, so that a distance on the
 * border between two logarithmic buckets lands in the same bucket as in the reference.
 */
public final class RelativePositionBias {

    private RelativePositionBias() {
    }

    /**
     * Bucket of every (query, key) pair, [length, length] int64: half the buckets for keys after the query, half for
     * keys at or before it; within each half, distances below a quarter of the buckets are exact, larger ones share
     * logarithmically wider buckets up to {@code maxDistance}.
     */
    public static NDArray buckets(NDManager manager, long length, int numBuckets, int maxDistance) {
        NDArray positions = manager.arange(0, length, 1, DataType.INT64);
        NDArray relative = positions.reshape(1, length).sub(positions.reshape(length, 1));
        int half = numBuckets / 2;
        NDArray direction = relative.gt(0).toType(DataType.INT64, false).mul(half);
        NDArray distance = relative.abs();
        int maxExact = half / 2;
        NDArray small = distance.lt(maxExact);
        NDArray logarithmic = distance.toType(DataType.FLOAT32, false).div(maxExact).log()
                .div(Math.log((double) maxDistance / maxExact)).mul(half - maxExact)
                .toType(DataType.INT64, false).add(maxExact);
        NDArray large = T5Ops.minimum(logarithmic, half - 1);
        return direction.add(NDArrays.where(small, distance, large));
    }

    /**
     * The bias [1, heads, length, length] in float32: {@code table} [buckets, heads] looked up at the buckets.
     */
    public static NDArray bias(NDArray table, NDManager manager, long length, int numBuckets, int maxDistance) {
        NDArray buckets = buckets(manager, length, numBuckets, maxDistance).toDevice(table.getDevice(), false);
        NDArray values = T5Ops.embedding(buckets, table).toType(DataType.FLOAT32, false);
        return values.transpose(2, 0, 1).expandDims(0);
    }
}
