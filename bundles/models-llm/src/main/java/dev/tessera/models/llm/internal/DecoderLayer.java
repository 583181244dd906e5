package dev.tessera.models.llm.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.llm.Architecture;
import dev.tessera.models.llm.LlmConfig;
import dev.tessera.models.core.Weights;
import dev.tessera.models.core.layers.Linear;

/**
 * One LLaMA / Qwen2 decoder layer without dropout: pre-norm self-attention with RoPE and grouped-query heads, then
 * a pre-norm SwiGLU feed-forward layer, each added to the residual stream. Parameter names are transformers'
 * ({@code model.layers.N.self_attn.q_proj.weight}, ...).
 *
 * <p>Grouped-query attention is a broadcast matmul: the queries of the heads sharing one key/value head are
 * stacked along the query axis ([B, KV, groups * L, D]) instead of copying keys and values per head as
 * transformers' {@code repeat_kv} does; the arithmetic is the same. Scores and softmax run in float32.
 *
 * <p>The projections are models-core's {@link Linear}: each weight laid out [in, out] once, not transposed on every
 * call (7 launches fewer per layer and decode step).
 */
public final class DecoderLayer {

    private final LlmConfig config;
    private final NDArray inputNorm;
    private final NDArray postAttentionNorm;
    private final Linear q;
    private final Linear k;
    private final Linear v;
    private final Linear o;
    private final Linear gate;
    private final Linear up;
    private final Linear down;

    public DecoderLayer(Weights weights, String prefix, LlmConfig config) {
        this.config = config;
        long hidden = config.hiddenSize();
        long qWidth = (long) config.numHeads() * config.headDim();
        long kvWidth = (long) config.numKeyValueHeads() * config.headDim();
        boolean qkvBias = config.attentionBias();
        boolean oBias = config.attentionBias() && config.architecture() == Architecture.LLAMA;
        this.inputNorm = weights.get(prefix + ".input_layernorm.weight", new Shape(hidden));
        this.postAttentionNorm = weights.get(prefix + ".post_attention_layernorm.weight", new Shape(hidden));
        this.q = new Linear(weights, prefix + ".self_attn.q_proj", hidden, qWidth, qkvBias);
        this.k = new Linear(weights, prefix + ".self_attn.k_proj", hidden, kvWidth, qkvBias);
        this.v = new Linear(weights, prefix + ".self_attn.v_proj", hidden, kvWidth, qkvBias);
        this.o = new Linear(weights, prefix + ".self_attn.o_proj", qWidth, hidden, oBias);
        long ff = config.intermediateSize();
        this.gate = new Linear(weights, prefix + ".mlp.gate_proj", hidden, ff, config.mlpBias());
        this.up = new Linear(weights, prefix + ".mlp.up_proj", hidden, ff, config.mlpBias());
        this.down = new Linear(weights, prefix + ".mlp.down_proj", ff, hidden, config.mlpBias());
    }

    /**
     * @param h     the residual stream [B, L, hidden]
     * @param cos   RoPE tables [1, 1, L, D] for the positions of h
     * @param sin   as cos
     * @param past  this layer's cached keys and values {@code [k, v]}, each [B, KV, P, D], or null for none
     * @param mask  additive float32 [L, P + L] causal mask, or null when L is 1 (a new token sees everything)
     * @return the new residual stream, and the keys and values now including h's: {@code [h, k, v]}
     */
    public NDArray[] forward(NDArray h, NDArray cos, NDArray sin, NDArray[] past, NDArray mask) {
        long batch = h.getShape().get(0);
        long length = h.getShape().get(1);
        int heads = config.numHeads();
        int kvHeads = config.numKeyValueHeads();
        int dim = config.headDim();
        NDArray x = LlmOps.rmsNorm(h, inputNorm, config.rmsNormEps());
        NDArray qh = Rotary.apply(q.forward(x).reshape(batch, length, heads, dim).transpose(0, 2, 1, 3), cos, sin);
        NDArray kh = Rotary.apply(k.forward(x).reshape(batch, length, kvHeads, dim).transpose(0, 2, 1, 3), cos, sin);
        NDArray vh = v.forward(x).reshape(batch, length, kvHeads, dim).transpose(0, 2, 1, 3);
        if (past != null) {
            kh = past[0].concat(kh, 2);
            vh = past[1].concat(vh, 2);
        }
        long keys = kh.getShape().get(2);
        int groups = config.groups();
        NDArray grouped = qh.reshape(batch, kvHeads, groups * length, dim);
        NDArray scores = grouped.matMul(kh.transpose(0, 1, 3, 2)).toType(DataType.FLOAT32, false)
                .mul((float) (1.0 / Math.sqrt(dim)));
        if (mask != null) {
            scores = scores.reshape(batch, kvHeads, groups, length, keys).add(mask)
                    .reshape(batch, kvHeads, groups * length, keys);
        }
        NDArray attended = scores.softmax(-1).toType(h.getDataType(), false).matMul(vh)
                .reshape(batch, heads, length, dim).transpose(0, 2, 1, 3).reshape(batch, length, (long) heads * dim);
        NDArray residual = h.add(o.forward(attended));
        NDArray y = LlmOps.rmsNorm(residual, postAttentionNorm, config.rmsNormEps());
        NDArray out = residual.add(down.forward(LlmOps.swiGlu(gate.forward(y), up.forward(y))));
        return new NDArray[] {out, kh, vh};
    }
}
