package dev.tessera.models.dit.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import dev.tessera.models.core.Weights;
import dev.tessera.models.core.layers.Linear;
import dev.tessera.models.core.layers.Ops;
import dev.tessera.tensor.TensorScope;

/**
 * diffusers' FluxSingleTransformerBlock (BFL's SingleStreamBlock) over the concatenated [text, image] sequence:
 * one modulation, q/k/v and an MLP from the same normalised input, attention and MLP outputs concatenated into
 * one output projection.
 */
public final class SingleStreamBlock {

    private static final float EPS = 1e-6f;
    private static final float HALF_MAX = 65504f;

    private final Linear norm;
    private final Linear toQ;
    private final Linear toK;
    private final Linear toV;
    private final RmsNorm normQ;
    private final RmsNorm normK;
    private final Linear projMlp;
    private final Linear projOut;
    private final int heads;

    public SingleStreamBlock(Weights weights, String prefix, int hidden, int heads, int headDim, int mlpHidden) {
        this.norm = new Linear(weights, prefix + ".norm.linear", hidden, 3L * hidden);
        String attn = prefix + ".attn";
        this.toQ = new Linear(weights, attn + ".to_q", hidden, hidden);
        this.toK = new Linear(weights, attn + ".to_k", hidden, hidden);
        this.toV = new Linear(weights, attn + ".to_v", hidden, hidden);
        this.normQ = new RmsNorm(weights, attn + ".norm_q.weight", headDim);
        this.normK = new RmsNorm(weights, attn + ".norm_k.weight", headDim);
        this.projMlp = new Linear(weights, prefix + ".proj_mlp", hidden, mlpHidden);
        this.projOut = new Linear(weights, prefix + ".proj_out", hidden + (long) mlpHidden, hidden);
        this.heads = heads;
    }

    /** {@code h} = [text, image] tokens [B, T+N, C] to the block's output of the same shape. */
    public NDArray forward(NDArray h, NDArray siluTemb, AttentionInputs inputs) {
        return TensorScope.keep(() -> {
            NDList mod = norm.forward(siluTemb).split(3, 1);
            NDArray nh = Ops.modulate(Ops.layerNorm(h, norm.owner(), EPS), mod.get(0), mod.get(1));
            NDArray mlp = Ops.geluTanh(projMlp.forward(nh));
            NDArray q = normQ.forward(Heads.split(toQ.forward(nh), heads));
            NDArray k = normK.forward(Heads.split(toK.forward(nh), heads));
            NDArray v = Heads.split(toV.forward(nh), heads);
            NDArray attn = Heads.attend(q, k, v, inputs);
            NDArray out = h.add(DoubleStreamBlock.gate(mod.get(2)).mul(projOut.forward(attn.concat(mlp, 2))));
            if (out.getDataType() == DataType.FLOAT16) {
                out = out.clip(-HALF_MAX, HALF_MAX);
            }
            return out;
        });
    }
}
