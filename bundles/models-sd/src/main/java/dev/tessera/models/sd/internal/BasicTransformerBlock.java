package dev.tessera.models.sd.internal;

import ai.djl.ndarray.NDArray;
import dev.tessera.models.core.Weights;
import dev.tessera.models.core.layers.FeedForward;
import dev.tessera.tensor.TensorScope;

/** diffusers' BasicTransformerBlock (SD variant): pre-norm self-attention, cross-attention, GEGLU feed-forward. */
public final class BasicTransformerBlock {

    private static final float NORM_EPS = 1e-5f;

    private final LayerNorm norm1;
    private final Attention attn1;
    private final LayerNorm norm2;
    private final Attention attn2;
    private final LayerNorm norm3;
    private final FeedForward ff;

    public BasicTransformerBlock(Weights weights, String prefix, long dim, long contextDim, int heads) {
        this.norm1 = new LayerNorm(weights, prefix + ".norm1", dim, NORM_EPS);
        this.attn1 = new Attention(weights, prefix + ".attn1", dim, dim, heads, false, true);
        this.norm2 = new LayerNorm(weights, prefix + ".norm2", dim, NORM_EPS);
        this.attn2 = new Attention(weights, prefix + ".attn2", dim, contextDim, heads, false, false);
        this.norm3 = new LayerNorm(weights, prefix + ".norm3", dim, NORM_EPS);
        this.ff = new FeedForward(weights, prefix + ".ff", dim, dim * 4, FeedForward.Activation.GEGLU);
    }

    /** {@code x} [batch, tokens, dim], {@code context} [batch, ctxTokens, contextDim]. */
    public NDArray forward(NDArray x, NDArray context) {
        return TensorScope.keep(() -> {
            NDArray h = x.add(attn1.forward(norm1.forward(x), null));
            h = h.add(attn2.forward(norm2.forward(h), context));
            return h.add(ff.forward(norm3.forward(h)));
        });
    }
}
