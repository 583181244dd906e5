package dev.tessera.models.core.layers;

import java.util.Arrays;
import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.Weights;
import dev.tessera.tensor.TensorScope;
import java.util.List;

/**
 * diffusers' Timesteps (sinusoidal projection, computed in float32 exactly as get_timestep_embedding does) followed
 * by TimestepEmbedding (linear_1, SiLU, linear_2) in the compute dtype.
 */
public final class TimestepEmbedding {

    private static final double MAX_PERIOD = 10000.0;

    private final Linear linear1;
    private final Linear linear2;
    private final int projectionDim;
    private final boolean flipSinToCos;
    private final int freqShift;
    /** exp(-ln(max_period) * i / (half - shift)) as [1, half] in float32, made once on the weights' device. */
    private final NDArray frequencies;

    public TimestepEmbedding(Weights weights, String prefix, int projectionDim, long embedDim, boolean flipSinToCos,
            int freqShift) {
        if (projectionDim % 2 != 0) {
            throw new IllegalArgumentException("timestep projection width must be even, got " + projectionDim);
        }
        this.linear1 = new Linear(weights, prefix + ".linear_1", projectionDim, embedDim, true);
        this.linear2 = new Linear(weights, prefix + ".linear_2", embedDim, embedDim, true);
        this.projectionDim = projectionDim;
        this.flipSinToCos = flipSinToCos;
        this.freqShift = freqShift;
        NDArray anchor = weights.get(prefix + ".linear_1.weight", new Shape(embedDim, projectionDim));
        this.frequencies = weights.derive(prefix + ":frequencies", Arrays.asList(anchor),
                w -> TensorScope.keep(() -> frequencies(w.get(0).getManager(), w.get(0).getDevice())));
    }

    /** The sinusoid frequencies, computed as diffusers' get_timestep_embedding does, in float32. */
    private NDArray frequencies(NDManager manager, Device device) {
        int half = projectionDim / 2;
        return manager.arange(0f, half, 1f, DataType.FLOAT32, device).mul((float) -Math.log(MAX_PERIOD))
                .div((float) (half - freqShift)).exp().reshape(1, half);
    }

    /** {@code timesteps} [batch] (any numeric type) to the embedding [batch, embedDim] in {@code dtype}. */
    public NDArray forward(NDArray timesteps, DataType dtype) {
        return TensorScope.keep(() -> {
            NDArray freqs = frequencies != null ? frequencies
                    : frequencies(timesteps.getManager(), timesteps.getDevice());
            NDArray angles = timesteps.toType(DataType.FLOAT32, false).reshape(-1, 1).mul(freqs);
            NDArray sin = angles.sin();
            NDArray cos = angles.cos();
            NDArray projected = flipSinToCos ? cos.concat(sin, 1) : sin.concat(cos, 1);
            NDArray h = linear1.forward(projected.toType(dtype, false));
            return linear2.forward(Ops.silu(h));
        });
    }
}
