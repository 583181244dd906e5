package dev.tessera.models.llm.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.SparseFormat;

/**
 * The tensor operations the decoder is built from (one libtorch call each where libtorch has one). Every op is
 * invoked on the activation, never on a weight, so that its result lands in the activation's manager. Linear
 * projections are models-core's {@code Linear} (weights laid out once).
 */
public final class LlmOps {

    private LlmOps() {
    }

    /** {@code table[ids]}. */
    public static NDArray embed(NDArray ids, NDArray table) {
        return ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
    }

    /**
     * transformers' LlamaRMSNorm / Qwen2RMSNorm: {@code weight * (x / sqrt(mean(x^2) + eps))} with the statistics
     * and the division in float32 and the result cast back to x's dtype before the weight multiplies it.
     */
    public static NDArray rmsNorm(NDArray x, NDArray weight, float eps) {
        DataType type = x.getDataType();
        NDArray wide = x.toType(DataType.FLOAT32, false);
        NDArray inverseRms = wide.square().mean(new int[] {-1}, true).add(eps).sqrt().pow(-1f);
        return wide.mul(inverseRms).toType(type, false).mul(weight);
    }

    /** SwiGLU's gate: {@code silu(gate) * up}. */
    public static NDArray swiGlu(NDArray gate, NDArray up) {
        return gate.mul(gate.getNDArrayInternal().sigmoid()).mul(up);
    }
}
