package dev.tessera.models.core.layers;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.Weights;
import dev.tessera.tensor.TensorScope;
import java.util.Arrays;

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
        return frequencies(manager, device, projectionDim, freqShift);
    }

    private static NDArray frequencies(NDManager manager, Device device, int dim, int freqShift) {
        int half = dim / 2;
        return manager.arange(0f, half, 1f, DataType.FLOAT32, device).mul((float) -Math.log(MAX_PERIOD))
                .div((float) (half - freqShift)).exp().reshape(1, half);
    }

    /** {@code timesteps} [batch] (any numeric type) to the embedding [batch, embedDim] in {@code dtype}. */
    public NDArray forward(NDArray timesteps, DataType dtype) {
        return TensorScope.keep(() -> {
            NDArray freqs = frequencies != null ? frequencies
                    : frequencies(timesteps.getManager(), timesteps.getDevice());
            NDArray projected = project(timesteps, freqs, flipSinToCos);
            return forwardProjected(projected.toType(dtype, false));
        });
    }

    /**
     * linear_1, SiLU, linear_2 on an input already projected (SDXL's add_embedding takes the pooled text and the
     * time ids' projections), in the input's dtype.
     */
    public NDArray forwardProjected(NDArray projected) {
        return TensorScope.keep(() -> linear2.forward(Ops.silu(linear1.forward(projected))));
    }

    /**
     * diffusers' get_timestep_embedding in float32: {@code values} [n] to [n, dim], cos half first when
     * {@code flipSinToCos}.
     */
    public static NDArray sinusoidal(NDArray values, int dim, boolean flipSinToCos, int freqShift) {
        if (dim % 2 != 0) {
            throw new IllegalArgumentException("timestep projection width must be even, got " + dim);
        }
        return TensorScope.keep(() -> project(values,
                frequencies(values.getManager(), values.getDevice(), dim, freqShift), flipSinToCos));
    }

    private static NDArray project(NDArray values, NDArray freqs, boolean flipSinToCos) {
        NDArray angles = values.toType(DataType.FLOAT32, false).reshape(-1, 1).mul(freqs);
        NDArray sin = angles.sin();
        NDArray cos = angles.cos();
        return flipSinToCos ? cos.concat(sin, 1) : sin.concat(cos, 1);
    }
}
