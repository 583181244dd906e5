package dev.tessera.models.sd.internal;

import ai.djl.ndarray.NDArray;
import dev.tessera.models.core.Weights;
import dev.tessera.models.core.layers.AttentionProjections;
import dev.tessera.models.core.layers.HeadsOutputProjection;
import dev.tessera.tensor.TensorScope;

/**
 * diffusers' Attention as used by BasicTransformerBlock: to_q / to_k / to_v (no bias in SD), multi-head
 * attention with all heads in one batched matmul, to_out.0. Self-attention when the context is null (attn1, built
 * with {@code self}: one fused q/k/v projection), cross-attention otherwise (attn2: one fused k/v projection of
 * the context). Launches per call: see {@link AttentionProjections}; the output projection takes the heads unmerged
 * ({@link HeadsOutputProjection}: matmul, sum over heads, bias).
 */
public final class Attention {

    private final AttentionProjections projections;
    private final HeadsOutputProjection toOut;

    /** {@code self}: k and v project the block's own tokens (attn1), so contextDim must equal queryDim. */
    public Attention(Weights weights, String prefix, long queryDim, long contextDim, int heads, boolean qkvBias,
            boolean self) {
        if (queryDim % heads != 0) {
            throw new IllegalArgumentException(prefix + ": " + queryDim + " channels do not split into " + heads
                    + " heads");
        }
        this.projections = new AttentionProjections(weights, prefix + ".to_q", prefix + ".to_k", prefix + ".to_v",
                queryDim, contextDim, queryDim, heads, qkvBias, self);
        this.toOut = new HeadsOutputProjection(weights, prefix + ".to_out.0", queryDim, queryDim, heads);
    }

    /** {@code x} [batch, tokens, queryDim]; {@code context} [batch, ctxTokens, contextDim] or null for self. */
    public NDArray forward(NDArray x, NDArray context) {
        if (projections.prepared()) {
            return TensorScope.keep(() -> toOut.forward(projections.attendHeads(x, context, null)));
        }
        return TensorScope.keep(() -> toOut.forwardMerged(projections.attend(x, context, null)));
    }
}
