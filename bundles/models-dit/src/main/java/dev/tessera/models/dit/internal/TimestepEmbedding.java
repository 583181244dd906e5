package dev.tessera.models.dit.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.models.sd.Weights;
import dev.tessera.tensor.TensorScope;

/**
 * diffusers' Timesteps(256, flip_sin_to_cos=True, shift 0) in float32, then TimestepEmbedding (linear_1, SiLU,
 * linear_2) in the compute dtype: FLUX's embedding of the timestep and of the guidance scale (both x1000 first).
 */
public final class TimestepEmbedding {

    public static final int PROJECTION_DIM = 256;
    private static final double MAX_PERIOD = 10000.0;

    private final Linear linear1;
    private final Linear linear2;

    public TimestepEmbedding(Weights weights, String prefix, long embedDim) {
        this.linear1 = new Linear(weights, prefix + ".linear_1", PROJECTION_DIM, embedDim);
        this.linear2 = new Linear(weights, prefix + ".linear_2", embedDim, embedDim);
    }

    /** {@code values} [B] (already scaled by 1000) to [B, embedDim] in {@code dtype}. */
    public NDArray forward(NDArray values, DataType dtype) {
        return TensorScope.keep(() -> {
            NDManager manager = values.getManager();
            int half = PROJECTION_DIM / 2;
            NDArray exponent = manager.arange(0f, half, 1f, DataType.FLOAT32, values.getDevice())
                    .mul((float) -Math.log(MAX_PERIOD)).div((float) half);
            NDArray angles = values.toType(DataType.FLOAT32, false).reshape(-1, 1)
                    .mul(exponent.exp().reshape(1, half));
            NDArray projected = angles.cos().concat(angles.sin(), 1);
            return linear2.forward(Ops.silu(linear1.forward(projected.toType(dtype, false))));
        });
    }
}
