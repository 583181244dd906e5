package dev.tessera.models.dit.internal;

import ai.djl.ndarray.NDArray;
import dev.tessera.models.dit.MaskedAttention;

/** Head splitting and the attention call shared by both block kinds. */
final class Heads {

    private Heads() {
    }

    /** [B, L, H*D] to [B, L, H, D]: a view. */
    static NDArray split(NDArray x, int heads) {
        long[] s = x.getShape().getShape();
        return x.reshape(s[0], s[1], heads, s[2] / heads);
    }

    /**
     * Rotary embedding on q and k [B, L, H, D] (none when the inputs have no rope: SD3's MMDiT adds positions to
     * the tokens instead), attention with the block's mask, heads merged back to [B, L, H*D].
     */
    static NDArray attend(NDArray q, NDArray k, NDArray v, AttentionInputs inputs) {
        Rope rope = inputs.rope();
        NDArray qh = (rope == null ? q : rope.apply(q)).transpose(0, 2, 1, 3);
        NDArray kh = (rope == null ? k : rope.apply(k)).transpose(0, 2, 1, 3);
        NDArray vh = v.transpose(0, 2, 1, 3);
        NDArray out = MaskedAttention.attend(qh, kh, vh, inputs.mask(), inputs.bias(), inputs.mode());
        long[] s = q.getShape().getShape();
        return out.transpose(0, 2, 1, 3).reshape(s[0], s[1], s[2] * s[3]);
    }
}
