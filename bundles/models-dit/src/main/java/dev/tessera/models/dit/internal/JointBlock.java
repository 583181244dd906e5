package dev.tessera.models.dit.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import dev.tessera.models.core.Weights;
import dev.tessera.models.core.layers.FeedForward;
import dev.tessera.models.core.layers.Linear;
import dev.tessera.models.core.layers.Ops;
import dev.tessera.tensor.TensorScope;

/**
 * diffusers' JointTransformerBlock (SD3's MMDiT joint block): image and text streams with their own adaLN-Zero
 * modulation, projections and feed-forwards, one joint attention without rotary embeddings. The last block's text
 * stream is pre-only: its modulation is a continuous adaLN (scale, shift) and it only feeds keys and values. SD3.5
 * adds RMS q/k norms; SD3.5-medium's MMDiT-X adds a second, image-only attention in some blocks.
 */
public final class JointBlock {

    private static final float EPS = 1e-6f;
    private static final float HALF_MAX = 65504f;

    private final boolean contextPreOnly;
    private final boolean dualAttention;
    private final Linear norm1;
    private final Linear norm1Context;
    private final Projections image;
    private final Projections text;
    private final Projections second;
    private final Linear toOut;
    private final Linear toAddOut;
    private final Linear toOut2;
    private final FeedForward ff;
    private final FeedForward ffContext;
    private final int heads;

    public JointBlock(Weights weights, String prefix, int hidden, int heads, int headDim, int mlpHidden,
            boolean contextPreOnly, boolean qkNorm, boolean dualAttention) {
        this.contextPreOnly = contextPreOnly;
        this.dualAttention = dualAttention;
        this.norm1 = new Linear(weights, prefix + ".norm1.linear", hidden, (dualAttention ? 9L : 6L) * hidden);
        this.norm1Context = new Linear(weights, prefix + ".norm1_context.linear", hidden,
                (contextPreOnly ? 2L : 6L) * hidden);
        String attn = prefix + ".attn";
        this.image = new Projections(weights, attn, "to_q", "to_k", "to_v", "norm_q", "norm_k", hidden, headDim,
                qkNorm);
        this.text = new Projections(weights, attn, "add_q_proj", "add_k_proj", "add_v_proj", "norm_added_q",
                "norm_added_k", hidden, headDim, qkNorm);
        this.toOut = new Linear(weights, attn + ".to_out.0", hidden, hidden);
        this.toAddOut = contextPreOnly ? null : new Linear(weights, attn + ".to_add_out", hidden, hidden);
        String attn2 = prefix + ".attn2";
        this.second = dualAttention ? new Projections(weights, attn2, "to_q", "to_k", "to_v", "norm_q", "norm_k",
                hidden, headDim, qkNorm) : null;
        this.toOut2 = dualAttention ? new Linear(weights, attn2 + ".to_out.0", hidden, hidden) : null;
        this.ff = new FeedForward(weights, prefix + ".ff", hidden, mlpHidden, FeedForward.Activation.GELU_TANH);
        this.ffContext = contextPreOnly ? null : new FeedForward(weights, prefix + ".ff_context", hidden, mlpHidden,
                FeedForward.Activation.GELU_TANH);
        this.heads = heads;
    }

    /**
     * @param x image tokens [B, N, C]
     * @param c text tokens [B, T, C]
     * @param siluTemb silu of the conditioning vector [B, C]
     * @return the new {text, image} streams; the text stream is null after a pre-only block
     */
    public NDList forward(NDArray x, NDArray c, NDArray siluTemb, AttentionInputs inputs) {
        return TensorScope.keepAll(() -> {
            NDList mod = norm1.forward(siluTemb).split(dualAttention ? 9 : 6, 1);
            NDArray normedX = Ops.layerNorm(x, norm1.owner(), EPS);
            NDArray nx = Ops.modulate(normedX, mod.get(0), mod.get(1));
            NDArray normedC = Ops.layerNorm(c, norm1.owner(), EPS);
            NDList cmod;
            NDArray nc;
            if (contextPreOnly) {
                // AdaLayerNormContinuous: scale first, then shift.
                cmod = norm1Context.forward(siluTemb).split(2, 1);
                nc = Ops.modulate(normedC, cmod.get(1), cmod.get(0));
            } else {
                cmod = norm1Context.forward(siluTemb).split(6, 1);
                nc = Ops.modulate(normedC, cmod.get(0), cmod.get(1));
            }
            // Text first, as FLUX orders the joint sequence (so masks read the same); attention without a mask does
            // not depend on the order.
            NDArray[] qkvX = image.forward(nx, heads);
            NDArray[] qkvC = text.forward(nc, heads);
            NDArray joint = Heads.attend(qkvC[0].concat(qkvX[0], 1), qkvC[1].concat(qkvX[1], 1),
                    qkvC[2].concat(qkvX[2], 1), inputs);
            long textTokens = c.getShape().get(1);
            long total = joint.getShape().get(1);
            NDArray imageAttn = toOut.forward(joint.get(new NDIndex(":, " + textTokens + ":" + total)));

            NDArray xOut = x.add(gate(mod.get(2)).mul(imageAttn));
            if (dualAttention) {
                NDArray nx2 = Ops.modulate(normedX, mod.get(6), mod.get(7));
                NDArray[] qkv2 = second.forward(nx2, heads);
                AttentionInputs plain = new AttentionInputs(null, null, null, inputs.mode());
                xOut = xOut.add(gate(mod.get(8)).mul(toOut2.forward(Heads.attend(qkv2[0], qkv2[1], qkv2[2],
                        plain))));
            }
            NDArray nxMlp = Ops.modulate(Ops.layerNorm(xOut, norm1.owner(), EPS), mod.get(3), mod.get(4));
            xOut = xOut.add(gate(mod.get(5)).mul(ff.forward(nxMlp)));
            if (contextPreOnly) {
                return new NDList(xOut);
            }
            NDArray textAttn = toAddOut.forward(joint.get(new NDIndex(":, 0:" + textTokens)));
            NDArray cOut = c.add(gate(cmod.get(2)).mul(textAttn));
            NDArray ncMlp = Ops.modulate(Ops.layerNorm(cOut, norm1.owner(), EPS), cmod.get(3), cmod.get(4));
            cOut = cOut.add(gate(cmod.get(5)).mul(ffContext.forward(ncMlp)));
            if (cOut.getDataType() == DataType.FLOAT16) {
                // diffusers clips the text stream in float16 so that an overflow does not turn into inf/NaN.
                cOut = cOut.clip(-HALF_MAX, HALF_MAX);
            }
            return new NDList(cOut, xOut);
        });
    }

    /** The stream that continues after this block: image only for a pre-only block. */
    public boolean contextPreOnly() {
        return contextPreOnly;
    }

    private static NDArray gate(NDArray g) {
        return DoubleStreamBlock.gate(g);
    }

    /** q, k, v projections of one stream with optional RMS q/k norms, split into heads [B, L, H, D]. */
    private static final class Projections {
        private final Linear q;
        private final Linear k;
        private final Linear v;
        private final RmsNorm normQ;
        private final RmsNorm normK;

        Projections(Weights weights, String attn, String q, String k, String v, String normQ, String normK,
                int hidden, int headDim, boolean qkNorm) {
            this.q = new Linear(weights, attn + "." + q, hidden, hidden);
            this.k = new Linear(weights, attn + "." + k, hidden, hidden);
            this.v = new Linear(weights, attn + "." + v, hidden, hidden);
            this.normQ = qkNorm ? new RmsNorm(weights, attn + "." + normQ + ".weight", headDim) : null;
            this.normK = qkNorm ? new RmsNorm(weights, attn + "." + normK + ".weight", headDim) : null;
        }

        NDArray[] forward(NDArray x, int heads) {
            NDArray qh = Heads.split(q.forward(x), heads);
            NDArray kh = Heads.split(k.forward(x), heads);
            if (normQ != null) {
                qh = normQ.forward(qh);
                kh = normK.forward(kh);
            }
            return new NDArray[] {qh, kh, Heads.split(v.forward(x), heads)};
        }
    }
}
