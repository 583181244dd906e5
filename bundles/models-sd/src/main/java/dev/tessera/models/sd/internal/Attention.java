package dev.tessera.models.sd.internal;

import ai.djl.ndarray.NDArray;
import dev.tessera.models.core.Weights;
import dev.tessera.models.core.layers.ChunkedAttention;
import dev.tessera.models.core.layers.Linear;
import dev.tessera.tensor.TensorScope;

/**
 * diffusers' Attention as used by BasicTransformerBlock: to_q / to_k / to_v (no bias in SD), multi-head
 * attention with all heads in one batched matmul, to_out.0. Self-attention when the context is null.
 * Launches per call: 3 projections, the 6 of {@link ChunkedAttention#multiHead}, 1 output projection.
 */
public final class Attention {

    private final Linear toQ;
    private final Linear toK;
    private final Linear toV;
    private final Linear toOut;
    private final int heads;

    public Attention(Weights weights, String prefix, long queryDim, long contextDim, int heads, boolean qkvBias) {
        this.toQ = new Linear(weights, prefix + ".to_q", queryDim, queryDim, qkvBias);
        this.toK = new Linear(weights, prefix + ".to_k", contextDim, queryDim, qkvBias);
        this.toV = new Linear(weights, prefix + ".to_v", contextDim, queryDim, qkvBias);
        this.toOut = new Linear(weights, prefix + ".to_out.0", queryDim, queryDim, true);
        if (queryDim % heads != 0) {
            throw new IllegalArgumentException(prefix + ": " + queryDim + " channels do not split into " + heads
                    + " heads");
        }
        this.heads = heads;
    }

    /** {@code x} [batch, tokens, queryDim]; {@code context} [batch, ctxTokens, contextDim] or null for self. */
    public NDArray forward(NDArray x, NDArray context) {
        return TensorScope.keep(() -> {
            NDArray source = context == null ? x : context;
            NDArray mixed = ChunkedAttention.multiHead(toQ.forward(x), toK.forward(source), toV.forward(source), heads, null);
            return toOut.forward(mixed);
        });
    }
}
