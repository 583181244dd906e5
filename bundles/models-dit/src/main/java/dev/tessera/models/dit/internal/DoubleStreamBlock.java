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
 * diffusers' FluxTransformerBlock (BFL's DoubleStreamBlock): text and image streams with their own modulation,
 * projections, q/k RMS norms and feed-forwards, one joint attention over [text, image].
 */
public final class DoubleStreamBlock {

    private static final float EPS = 1e-6f;
    private static final float HALF_MAX = 65504f;

    private final Linear norm1;
    private final Linear norm1Context;
    private final Linear toQ;
    private final Linear toK;
    private final Linear toV;
    private final Linear addQ;
    private final Linear addK;
    private final Linear addV;
    private final RmsNorm normQ;
    private final RmsNorm normK;
    private final RmsNorm normAddedQ;
    private final RmsNorm normAddedK;
    private final Linear toOut;
    private final Linear toAddOut;
    private final FeedForward ff;
    private final FeedForward ffContext;
    private final int heads;

    public DoubleStreamBlock(Weights weights, String prefix, int hidden, int heads, int headDim, int mlpHidden) {
        this.norm1 = new Linear(weights, prefix + ".norm1.linear", hidden, 6L * hidden);
        this.norm1Context = new Linear(weights, prefix + ".norm1_context.linear", hidden, 6L * hidden);
        String attn = prefix + ".attn";
        this.toQ = new Linear(weights, attn + ".to_q", hidden, hidden);
        this.toK = new Linear(weights, attn + ".to_k", hidden, hidden);
        this.toV = new Linear(weights, attn + ".to_v", hidden, hidden);
        this.normQ = new RmsNorm(weights, attn + ".norm_q.weight", headDim);
        this.normK = new RmsNorm(weights, attn + ".norm_k.weight", headDim);
        this.addQ = new Linear(weights, attn + ".add_q_proj", hidden, hidden);
        this.addK = new Linear(weights, attn + ".add_k_proj", hidden, hidden);
        this.addV = new Linear(weights, attn + ".add_v_proj", hidden, hidden);
        this.normAddedQ = new RmsNorm(weights, attn + ".norm_added_q.weight", headDim);
        this.normAddedK = new RmsNorm(weights, attn + ".norm_added_k.weight", headDim);
        this.toOut = new Linear(weights, attn + ".to_out.0", hidden, hidden);
        this.toAddOut = new Linear(weights, attn + ".to_add_out", hidden, hidden);
        this.ff = new FeedForward(weights, prefix + ".ff", hidden, mlpHidden, FeedForward.Activation.GELU_TANH);
        this.ffContext = new FeedForward(weights, prefix + ".ff_context", hidden, mlpHidden,
                FeedForward.Activation.GELU_TANH);
        this.heads = heads;
    }

    /**
     * @param x image tokens [B, N, C]
     * @param c text tokens [B, T, C]
     * @param siluTemb silu of the conditioning vector [B, C]
     * @return the new {text, image} streams
     */
    public NDList forward(NDArray x, NDArray c, NDArray siluTemb, AttentionInputs inputs) {
        return TensorScope.keepAll(() -> {
            NDList mod = norm1.forward(siluTemb).split(6, 1);
            NDList cmod = norm1Context.forward(siluTemb).split(6, 1);
            NDArray nx = Ops.modulate(Ops.layerNorm(x, norm1.owner(), EPS), mod.get(0), mod.get(1));
            NDArray nc = Ops.modulate(Ops.layerNorm(c, norm1.owner(), EPS), cmod.get(0), cmod.get(1));

            NDArray q = normQ.forward(Heads.split(toQ.forward(nx), heads));
            NDArray k = normK.forward(Heads.split(toK.forward(nx), heads));
            NDArray v = Heads.split(toV.forward(nx), heads);
            NDArray eq = normAddedQ.forward(Heads.split(addQ.forward(nc), heads));
            NDArray ek = normAddedK.forward(Heads.split(addK.forward(nc), heads));
            NDArray ev = Heads.split(addV.forward(nc), heads);
            NDArray joint = Heads.attend(eq.concat(q, 1), ek.concat(k, 1), ev.concat(v, 1), inputs);

            long text = c.getShape().get(1);
            long total = joint.getShape().get(1);
            NDArray textAttn = toAddOut.forward(joint.get(new NDIndex(":, 0:" + text)));
            NDArray imageAttn = toOut.forward(joint.get(new NDIndex(":, " + text + ":" + total)));

            NDArray xOut = x.add(gate(mod.get(2)).mul(imageAttn));
            NDArray nx2 = Ops.modulate(Ops.layerNorm(xOut, norm1.owner(), EPS), mod.get(3), mod.get(4));
            xOut = xOut.add(gate(mod.get(5)).mul(ff.forward(nx2)));

            NDArray cOut = c.add(gate(cmod.get(2)).mul(textAttn));
            NDArray nc2 = Ops.modulate(Ops.layerNorm(cOut, norm1.owner(), EPS), cmod.get(3), cmod.get(4));
            cOut = cOut.add(gate(cmod.get(5)).mul(ffContext.forward(nc2)));
            if (cOut.getDataType() == DataType.FLOAT16) {
                // diffusers clips the text stream in float16 so that an overflow does not turn into inf/NaN.
                cOut = cOut.clip(-HALF_MAX, HALF_MAX);
            }
            return new NDList(cOut, xOut);
        });
    }

    static NDArray gate(NDArray g) {
        return g.expandDims(1);
    }
}
