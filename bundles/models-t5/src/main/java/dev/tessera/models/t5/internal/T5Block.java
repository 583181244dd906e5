package dev.tessera.models.t5.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.Weights;
import dev.tessera.models.t5.T5Config;

/**
 * One encoder block, transformers' T5Block without dropout: pre-norm self-attention (no scaling of the logits:
 * T5 folds it into the initialisation of q) and a pre-norm feed-forward layer, each added to the residual stream.
 *
 * <p>Precision: the residual stream, the norms' statistics, the attention softmax, the feed-forward's gated product
 * and its output projection {@code wo} run in float32; the q/k/v/o and {@code wi} projections and the attention
 * matmuls run in the compute dtype. T5 activations grow past float16's range in real checkpoints (the known
 * "T5 in fp16 gives inf/NaN" problem, strongest in {@code wo}'s output): transformers keeps {@code wo} in float32
 * for this reason ({@code _keep_in_fp32_modules}) and ComfyUI runs its T5 with float32 activations. With float32
 * everything is float32 and the block is exactly transformers'.
 */
public final class T5Block {

    private final T5Config config;
    private final DataType dtype;
    private final NDArray attentionNorm;
    private final NDArray q;
    private final NDArray k;
    private final NDArray v;
    private final NDArray o;
    private final NDArray feedForwardNorm;
    private final NDArray wi0;
    private final NDArray wi1;
    private final NDArray wo;

    public T5Block(Weights weights, String prefix, T5Config config, DataType dtype) {
        this.config = config;
        this.dtype = dtype;
        long model = config.dModel();
        long inner = config.innerDim();
        long ff = config.dFf();
        String attention = prefix + ".layer.0.SelfAttention.";
        this.attentionNorm = weights.get(prefix + ".layer.0.layer_norm.weight", new Shape(model));
        this.q = weights.get(attention + "q.weight", new Shape(inner, model));
        this.k = weights.get(attention + "k.weight", new Shape(inner, model));
        this.v = weights.get(attention + "v.weight", new Shape(inner, model));
        this.o = weights.get(attention + "o.weight", new Shape(model, inner));
        String dense = prefix + ".layer.1.DenseReluDense.";
        this.feedForwardNorm = weights.get(prefix + ".layer.1.layer_norm.weight", new Shape(model));
        if (config.gatedAct()) {
            this.wi0 = weights.get(dense + "wi_0.weight", new Shape(ff, model));
            this.wi1 = weights.get(dense + "wi_1.weight", new Shape(ff, model));
        } else {
            this.wi0 = weights.get(dense + "wi.weight", new Shape(ff, model));
            this.wi1 = null;
        }
        this.wo = weights.get(dense + "wo.weight", new Shape(model, ff));
    }

    /**
     * @param h    the float32 residual stream [B, L, d_model]
     * @param bias float32 [B or 1, heads, L, L]: relative position bias plus the padding mask
     * @return the new float32 residual stream
     */
    public NDArray forward(NDArray h, NDArray bias) {
        NDArray attended = h.add(selfAttention(T5Ops.rmsNorm(h, attentionNorm, config.layerNormEpsilon(), dtype),
                bias).toType(DataType.FLOAT32, false));
        return attended.add(feedForward(T5Ops.rmsNorm(attended, feedForwardNorm, config.layerNormEpsilon(), dtype)));
    }

    private NDArray selfAttention(NDArray x, NDArray bias) {
        long batch = x.getShape().get(0);
        long length = x.getShape().get(1);
        int heads = config.numHeads();
        long headDim = config.dKv();
        NDArray qh = T5Ops.linear(x, q).reshape(batch, length, heads, headDim).transpose(0, 2, 1, 3);
        NDArray kt = T5Ops.linear(x, k).reshape(batch, length, heads, headDim).transpose(0, 2, 3, 1);
        NDArray vh = T5Ops.linear(x, v).reshape(batch, length, heads, headDim).transpose(0, 2, 1, 3);
        NDArray scores = qh.matMul(kt).toType(DataType.FLOAT32, false).add(bias);
        NDArray weightsPerKey = scores.softmax(-1).toType(dtype, false);
        NDArray mixed = weightsPerKey.matMul(vh).transpose(0, 2, 1, 3).reshape(batch, length, config.innerDim());
        return T5Ops.linear(mixed, o);
    }

    private NDArray feedForward(NDArray x) {
        NDArray hidden = T5Ops.activation(T5Ops.linear(x, wi0).toType(DataType.FLOAT32, false), config.denseActFn());
        if (wi1 != null) {
            hidden = hidden.mul(T5Ops.linear(x, wi1).toType(DataType.FLOAT32, false));
        }
        // wo is widened per call (a temporary freed with the caller's scope) rather than kept as a float32 copy:
        // for T5-XXL in float16 a resident copy would add 4 GB.
        return T5Ops.linear(hidden, wo.toType(DataType.FLOAT32, false));
    }
}
