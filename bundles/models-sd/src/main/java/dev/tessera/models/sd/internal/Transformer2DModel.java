package dev.tessera.models.sd.internal;

import java.util.Arrays;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.Weights;
import dev.tessera.models.core.layers.Linear;
import dev.tessera.models.core.layers.Ops;
import dev.tessera.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;

/**
 * diffusers' Transformer2DModel for continuous input: group norm, proj_in (1x1 conv in SD1.x, linear when
 * {@code linearProjection}), transformer blocks over the H*W tokens, proj_out, residual.
 */
public final class Transformer2DModel {

    /** diffusers fixes this epsilon for the input norm, whatever the UNet's norm_eps. */
    private static final float NORM_EPS = 1e-6f;

    private final GroupNorm norm;
    private final boolean linearProjection;
    private final Conv2d convIn;
    private final Conv2d convOut;
    private final Linear linearIn;
    private final Linear linearOut;
    private final List<BasicTransformerBlock> blocks = new ArrayList<>();
    /**
     * proj_in's weight and bias with the norm's gamma and beta folded in ({@code W diag(gamma)},
     * {@code b + W beta}; the conv's as a kernel-1 conv1d's [out, in, 1], the linear's transposed), so the norm's affine is not
     * launched; null where a parameter is being trained.
     */
    private final NDArray foldedInWeight;
    private final NDArray foldedInBias;

    public Transformer2DModel(Weights weights, String prefix, long channels, long contextDim, int heads, int depth,
            int groups, boolean linearProjection) {
        this.norm = new GroupNorm(weights, prefix + ".norm", groups, channels, NORM_EPS);
        this.linearProjection = linearProjection;
        if (linearProjection) {
            this.linearIn = new Linear(weights, prefix + ".proj_in", channels, channels, true);
            this.convIn = null;
        } else {
            this.convIn = new Conv2d(weights, prefix + ".proj_in", channels, channels, 1, 1, 0);
            this.linearIn = null;
        }
        NDArray w = weights.get(prefix + ".proj_in.weight",
                linearProjection ? new Shape(channels, channels) : new Shape(channels, channels, 1, 1));
        NDArray b = weights.get(prefix + ".proj_in.bias", new Shape(channels));
        NDArray gamma = norm.gamma();
        NDArray beta = norm.beta();
        if (Weights.preparable(w, b, gamma, beta)) {
            this.foldedInWeight = weights.derive(prefix + ".proj_in.weight:norm-folded", Arrays.asList(w, gamma),
                    t -> TensorScope.keep(() -> {
                        NDArray folded = t.get(0).reshape(channels, channels).mul(t.get(1).reshape(1, channels));
                        return linearProjection ? folded.transpose(1, 0) : folded.reshape(channels, channels, 1);
                    }));
            this.foldedInBias = weights.derive(prefix + ".proj_in.bias:norm-folded", Arrays.asList(w, b, beta),
                    t -> TensorScope.keep(() -> t.get(0).reshape(channels, channels).matMul(t.get(2)).add(t.get(1))));
        } else {
            this.foldedInWeight = null;
            this.foldedInBias = null;
        }
        for (int i = 0; i < depth; i++) {
            blocks.add(new BasicTransformerBlock(weights, prefix + ".transformer_blocks." + i, channels, contextDim,
                    heads));
        }
        if (linearProjection) {
            this.linearOut = new Linear(weights, prefix + ".proj_out", channels, channels, true);
            this.convOut = null;
        } else {
            this.convOut = new Conv2d(weights, prefix + ".proj_out", channels, channels, 1, 1, 0);
            this.linearOut = null;
        }
    }

    /** {@code x} [batch, channels, h, w], {@code context} [batch, ctxTokens, contextDim]. */
    public NDArray forward(NDArray x, NDArray context) {
        return TensorScope.keep(() -> {
            Shape shape = x.getShape();
            long batch = shape.get(0);
            long channels = shape.get(1);
            long height = shape.get(2);
            long width = shape.get(3);
            NDArray h;
            if (foldedInWeight != null) {
                if (linearProjection) {
                    h = Ops.linearT(norm.normalize(x, shape).transpose(0, 2, 3, 1)
                            .reshape(batch, height * width, channels), foldedInWeight, foldedInBias);
                } else {
                    // Normalised straight to [B, C, HW], the 1x1 conv as a kernel-1 conv1d, then the tokens as a
                    // transposed view [B, HW, C] (the blocks' norms and adds read it through its strides).
                    h = Ops.pointwiseConv1d(norm.normalize(x, new Shape(batch, channels, height * width)),
                            foldedInWeight, foldedInBias).transpose(0, 2, 1);
                }
            } else {
                h = norm.forward(x);
                if (!linearProjection) {
                    h = convIn.forward(h);
                }
                h = h.transpose(0, 2, 3, 1).reshape(batch, height * width, channels);
                if (linearProjection) {
                    h = linearIn.forward(h);
                }
            }
            for (BasicTransformerBlock block : blocks) {
                h = block.forward(h, context);
            }
            if (linearProjection) {
                h = linearOut.forward(h);
            }
            h = h.reshape(batch, height, width, channels).transpose(0, 3, 1, 2);
            if (!linearProjection) {
                h = convOut.forward(h);
            }
            return h.add(x);
        });
    }
}
