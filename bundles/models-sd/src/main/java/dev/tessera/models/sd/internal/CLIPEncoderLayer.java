package dev.tessera.models.sd.internal;

import ai.djl.ndarray.NDArray;
import dev.tessera.models.core.Weights;
import dev.tessera.models.core.layers.AttentionProjections;
import dev.tessera.models.core.layers.Linear;
import dev.tessera.models.core.layers.Ops;
import dev.tessera.tensor.TensorScope;

/** transformers' CLIPEncoderLayer: pre-norm causal self-attention (biased projections) and MLP, both residual. */
public final class CLIPEncoderLayer {

    private final LayerNorm layerNorm1;
    private final AttentionProjections qkv;
    private final Linear outProj;
    private final LayerNorm layerNorm2;
    private final Linear fc1;
    private final Linear fc2;
    private final boolean quickGelu;

    public CLIPEncoderLayer(Weights weights, String prefix, long hidden, long intermediate, int heads, float eps,
            boolean quickGelu) {
        this.layerNorm1 = new LayerNorm(weights, prefix + ".layer_norm1", hidden, eps);
        String attn = prefix + ".self_attn";
        this.qkv = new AttentionProjections(weights, attn + ".q_proj", attn + ".k_proj", attn + ".v_proj", hidden,
                hidden, hidden, heads, true, true);
        this.outProj = new Linear(weights, prefix + ".self_attn.out_proj", hidden, hidden, true);
        this.layerNorm2 = new LayerNorm(weights, prefix + ".layer_norm2", hidden, eps);
        this.fc1 = new Linear(weights, prefix + ".mlp.fc1", hidden, intermediate, true);
        this.fc2 = new Linear(weights, prefix + ".mlp.fc2", intermediate, hidden, true);
        this.quickGelu = quickGelu;
    }

    /** {@code x} [B, L, hidden]; {@code causalMask} [L, L] additive (0 or -inf). */
    public NDArray forward(NDArray x, NDArray causalMask) {
        return TensorScope.keep(() -> {
            NDArray n = layerNorm1.forward(x);
            NDArray attended = qkv.attend(n, null, causalMask);
            NDArray h = x.add(outProj.forward(attended));
            NDArray m = fc1.forward(layerNorm2.forward(h));
            m = quickGelu ? Ops.quickGelu(m) : Ops.gelu(m);
            return h.add(fc2.forward(m));
        });
    }
}
