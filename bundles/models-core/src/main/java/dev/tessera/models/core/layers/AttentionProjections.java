package dev.tessera.models.core.layers;

import java.util.Arrays;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.Weights;
import dev.tessera.tensor.ScalarOps;
import dev.tessera.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;

/**
 * The q, k and v projections of one multi-head attention and the attention itself, with the weights laid out once
 * (see {@link Weights#derive}): self-attention projects q, k and v with one matmul over the three weights
 * concatenated, cross-attention k and v with one over the context; the query weights (and bias) carry the
 * {@code 1/sqrt(headDim)} scale, so no call scales q; the result is split into heads with one reshape and one
 * permute. A self-attention call is 12 launches (13 with biases): matmul, reshape, permute, split, the keys'
 * transpose, q.k^T, softmax, .v, merge (2), and the output projection's matmul and bias add. The derived weights
 * come from the parameters the view gives, so a LoRA patch of to_q, to_k or to_v (a {@code PatchedWeights}
 * replacement) reaches the fused weight. Parameters that are being trained keep the per-call path (three
 * {@link Linear}s and {@link ChunkedAttention#multiHead}), so their gradients flow.
 */
public final class AttentionProjections {

    private final Linear toQ;
    private final Linear toK;
    private final Linear toV;
    private final int heads;
    private final boolean self;
    /** Self: [in, 3 out] with q's columns scaled; cross: q's [queryDim, out] scaled. Null on the per-call path. */
    private final NDArray queryWeight;
    private final NDArray queryBias;
    /** Cross only: [contextDim, 2 out]. */
    private final NDArray keyValueWeight;
    private final NDArray keyValueBias;

    /**
     * @param q, k, v    the parameter prefixes of the three projections ({@code .weight} [out, in], {@code .bias})
     * @param queryDim   input width of q
     * @param contextDim input width of k and v; equal to queryDim for self-attention
     * @param out        the projections' width, heads x headDim
     * @param self       whether k and v read the same tokens as q (one fused projection)
     */
    public AttentionProjections(Weights weights, String q, String k, String v, long queryDim, long contextDim,
            long out, int heads, boolean bias, boolean self) {
        if (out % heads != 0) {
            throw new IllegalArgumentException(q + ": " + out + " channels do not split into " + heads + " heads");
        }
        if (self && queryDim != contextDim) {
            throw new IllegalArgumentException(q + ": self-attention with query width " + queryDim
                    + " and context width " + contextDim);
        }
        this.heads = heads;
        this.self = self;
        NDArray wq = weights.get(q + ".weight", new Shape(out, queryDim));
        NDArray wk = weights.get(k + ".weight", new Shape(out, contextDim));
        NDArray wv = weights.get(v + ".weight", new Shape(out, contextDim));
        NDArray bq = bias ? weights.get(q + ".bias", new Shape(out)) : null;
        NDArray bk = bias ? weights.get(k + ".bias", new Shape(out)) : null;
        NDArray bv = bias ? weights.get(v + ".bias", new Shape(out)) : null;
        boolean prepared = Weights.preparable(wq, wk, wv) && (!bias || Weights.preparable(bq, bk, bv));
        float scale = (float) (1.0 / Math.sqrt((double) out / heads));
        this.toQ = prepared ? null : new Linear(weights, q, queryDim, out, bias);
        this.toK = prepared ? null : new Linear(weights, k, contextDim, out, bias);
        this.toV = prepared ? null : new Linear(weights, v, contextDim, out, bias);
        if (!prepared) {
            this.queryWeight = null;
            this.queryBias = null;
            this.keyValueWeight = null;
            this.keyValueBias = null;
        } else if (self) {
            this.queryWeight = weights.derive(q + ".weight:qkv-scaled:T", Arrays.asList(wq, wk, wv),
                    w -> TensorScope.keep(() -> fuse(w, scale, 0).transpose(1, 0)));
            this.queryBias = bias ? weights.derive(q + ".bias:qkv-scaled", Arrays.asList(bq, bk, bv),
                    b -> TensorScope.keep(() -> fuse(b, scale, 0))) : null;
            this.keyValueWeight = null;
            this.keyValueBias = null;
        } else {
            this.queryWeight = weights.derive(q + ".weight:scaled:T", Arrays.asList(wq),
                    w -> TensorScope.keep(() -> ScalarOps.multiply(w.get(0), scale).transpose(1, 0)));
            this.queryBias = bias ? weights.derive(q + ".bias:scaled", Arrays.asList(bq),
                    b -> TensorScope.keep(() -> ScalarOps.multiply(b.get(0), scale))) : null;
            this.keyValueWeight = weights.derive(k + ".weight:kv:T", Arrays.asList(wk, wv),
                    w -> TensorScope.keep(() -> fuse(w, 1f, 0).transpose(1, 0)));
            this.keyValueBias = bias ? weights.derive(k + ".bias:kv", Arrays.asList(bk, bv),
                    b -> TensorScope.keep(() -> fuse(b, 1f, 0))) : null;
        }
    }

    /** The first tensor times {@code firstScale}, then the others, concatenated along {@code axis}. */
    private static NDArray fuse(List<NDArray> parts, float firstScale, int axis) {
        List<NDArray> all = new ArrayList<>(parts);
        if (firstScale != 1f) {
            all.set(0, ScalarOps.multiply(parts.get(0), firstScale));
        }
        return NDArrays.concat(new NDList(all), axis);
    }

    /**
     * Attention of {@code x} [batch, tokens, queryDim] over {@code context} [batch, ctxTokens, contextDim] (ignored
     * for self-attention; may be null then) with an optional additive {@code bias} broadcasting to
     * [batch, heads, tokens, ctxTokens]: the mixed values [batch, tokens, out], before the output projection.
     */
    public NDArray attend(NDArray x, NDArray context, NDArray bias) {
        if (!prepared()) {
            NDArray source = self || context == null ? x : context;
            return ChunkedAttention.multiHead(toQ.forward(x), toK.forward(source), toV.forward(source), heads, bias);
        }
        return TensorScope.keep(() -> ChunkedAttention.mergeHeads(attendHeads(x, context, bias)));
    }

    /** Whether the weights were laid out once (else {@link #attendHeads} is not available). */
    public boolean prepared() {
        return queryWeight != null;
    }

    /**
     * {@link #attend} before the heads are merged: heads first, [1, batch, heads, tokens, headDim] (the leading
     * axis of the fused projection's split), for an output projection that takes the heads as they are
     * ({@link HeadsOutputProjection}). Only where {@link #prepared()}.
     */
    public NDArray attendHeads(NDArray x, NDArray context, NDArray bias) {
        if (!prepared()) {
            throw new IllegalStateException("attendHeads needs weights laid out once; these are being trained");
        }
        NDArray source = self || context == null ? x : context;
        return TensorScope.keep(() -> {
            long budget = ChunkedAttention.scoreBudget(x.getDevice());
            if (self) {
                // [B, L, 3 out] -> [B, L, 3, H, D] -> [3, B, H, L, D]: q, k, v in one permute.
                NDArray qkv = Ops.linearT(x, queryWeight, queryBias);
                long batch = x.getShape().get(0);
                long tokens = x.getShape().get(1);
                long headDim = qkv.getShape().get(2) / 3 / heads;
                NDList parts = qkv.reshape(batch, tokens, 3, heads, headDim).transpose(2, 0, 3, 1, 4).split(3, 0);
                NDArray kt = parts.get(1).swapAxes(3, 4);
                return ChunkedAttention.attend(parts.get(0), kt, parts.get(2), bias, budget);
            }
            NDArray qh = ChunkedAttention.splitHeads(Ops.linearT(x, queryWeight, queryBias), heads, false);
            NDArray kv = Ops.linearT(source, keyValueWeight, keyValueBias);
            long batch = source.getShape().get(0);
            long tokens = source.getShape().get(1);
            long headDim = kv.getShape().get(2) / 2 / heads;
            NDList parts = kv.reshape(batch, tokens, 2, heads, headDim).transpose(2, 0, 3, 1, 4).split(2, 0);
            return ChunkedAttention.attend(qh, parts.get(0).swapAxes(3, 4), parts.get(1), bias, budget);
        });
    }
}
