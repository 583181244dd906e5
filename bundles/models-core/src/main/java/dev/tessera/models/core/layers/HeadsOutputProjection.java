package dev.tessera.models.core.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.Weights;
import dev.tessera.tensor.TensorScope;
import java.util.Arrays;

/**
 * An attention's output projection ({@code prefix.weight} [out, heads x headDim], {@code prefix.bias}) applied to
 * the heads as attention leaves them, [..., batch, heads, tokens, headDim]: the weight laid out once as
 * [heads, headDim, out], one matmul gives each head's share [..., batch, heads, tokens, out] and one sum over the
 * heads adds them, so the call is 3 launches (matmul, sum, bias) where merging the heads first takes 4 (transpose,
 * reshape, matmul, bias). The price is a temporary heads times the output's size (SD1.5's first level at 512 px:
 * 84 MB in float32), read once by the sum. Weights that are being trained keep {@link Linear} after
 * {@link ChunkedAttention#mergeHeads}.
 */
public final class HeadsOutputProjection {

    private final Linear linear;
    private final NDArray byHeads;
    private final NDArray bias;

    public HeadsOutputProjection(Weights weights, String prefix, long in, long out, int heads) {
        if (in % heads != 0) {
            throw new IllegalArgumentException(prefix + ": " + in + " channels do not split into " + heads + " heads");
        }
        this.linear = new Linear(weights, prefix, in, out, true);
        NDArray w = weights.get(prefix + ".weight", new Shape(out, in));
        this.bias = weights.get(prefix + ".bias", new Shape(out));
        this.byHeads = Weights.preparable(w, bias)
                ? weights.derive(prefix + ".weight:by-heads", Arrays.asList(w),
                        t -> TensorScope.keep(() -> t.get(0).transpose(1, 0).reshape(heads, in / heads, out)))
                : null;
    }

    public boolean prepared() {
        return byHeads != null;
    }

    /** The ordinary projection of merged heads [batch, tokens, in] (the path of trained parameters). */
    public NDArray forwardMerged(NDArray merged) {
        return linear.forward(merged);
    }

    /** {@code heads} [..., batch, heads, tokens, headDim] (leading axes of 1 allowed) to [batch, tokens, out]. */
    public NDArray forward(NDArray heads) {
        if (byHeads == null) {
            return TensorScope.keep(() -> linear.forward(ChunkedAttention.mergeHeads(heads)));
        }
        return TensorScope.keep(() -> {
            int d = heads.getShape().dimension();
            int[] summed = new int[d - 3];
            for (int i = 0; i < d - 4; i++) {
                summed[i] = i;
            }
            summed[d - 4] = d - 3;
            return heads.matMul(byHeads).sum(summed).addi(bias);
        });
    }
}
