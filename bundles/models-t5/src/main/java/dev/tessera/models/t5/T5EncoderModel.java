package dev.tessera.models.t5;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.ComputeTypes;
import dev.tessera.models.core.TokenIds;
import dev.tessera.models.core.Weights;
import dev.tessera.models.t5.internal.RelativePositionBias;
import dev.tessera.models.t5.internal.T5Block;
import dev.tessera.models.t5.internal.T5Ops;
import dev.tessera.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;

/**
 * transformers' T5EncoderModel (T5 v1.1: gated-GELU feed-forward, RMS norms without bias or mean, relative
 * position buckets computed in the first block and shared by all, unscaled attention logits). Parameter names are
 * transformers': {@code shared.weight}, {@code encoder.block.N.layer.{0,1}.*}, {@code encoder.final_layer_norm.weight}.
 *
 * <p>{@code dtype} is the compute dtype of the projections; the residual stream stays float32 (see
 * {@link T5Block} for why half precision needs that). Outputs are in {@code dtype}. Inputs must be on the
 * weights' device.
 */
public final class T5EncoderModel {

    private final T5Config config;
    private final DataType dtype;
    private final NDArray shared;
    private final NDArray relativeAttentionBias;
    private final List<T5Block> blocks = new ArrayList<>();
    private final NDArray finalLayerNorm;

    public T5EncoderModel(T5Config config, Weights weights, DataType dtype) {
        this.config = config;
        this.dtype = ComputeTypes.require(dtype, "T5 encoder");
        this.shared = weights.get("shared.weight", new Shape(config.vocabSize(), config.dModel()));
        this.relativeAttentionBias = weights.get("encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight",
                new Shape(config.relativeAttentionNumBuckets(), config.numHeads()));
        for (int i = 0; i < config.numLayers(); i++) {
            blocks.add(new T5Block(weights, "encoder.block." + i, config, dtype));
        }
        this.finalLayerNorm = weights.get("encoder.final_layer_norm.weight", new Shape(config.dModel()));
    }

    public T5Config config() {
        return config;
    }

    public DataType dataType() {
        return dtype;
    }

    /** {@code last_hidden_state} [B, L, d_model] of token ids [B, L], every token attended to. */
    public NDArray forward(NDArray inputIds) {
        return forward(inputIds, null);
    }

    /**
     * {@code last_hidden_state} [B, L, d_model] of token ids [B, L] (integers).
     *
     * @param attentionMask [B, L], 1 (or true) for tokens to attend to and 0 for padding, or null for all; padded
     *                      positions still get outputs (they attend to the unmasked tokens), as in transformers
     */
    public NDArray forward(NDArray inputIds, NDArray attentionMask) {
        checkIds(inputIds);
        checkMask(attentionMask, inputIds.getShape());
        return TensorScope.keep(() -> {
            long length = inputIds.getShape().get(1);
            NDArray bias = RelativePositionBias.bias(relativeAttentionBias, inputIds.getManager(), length,
                    config.relativeAttentionNumBuckets(), config.relativeAttentionMaxDistance());
            if (attentionMask != null) {
                bias = bias.add(paddingBias(attentionMask));
            }
            NDArray h = T5Ops.embedding(inputIds.toType(DataType.INT64, false), shared).toType(DataType.FLOAT32, false);
            for (T5Block block : blocks) {
                h = block.forward(h, bias);
            }
            return T5Ops.rmsNorm(h, finalLayerNorm, config.layerNormEpsilon(), dtype);
        });
    }

    /**
     * [B, 1, 1, L] float32: 0 where a key may be attended to, the lowest float32 where it is padding (transformers'
     * additive mask; a finite value keeps a row of padding only from turning into NaN).
     */
    private static NDArray paddingBias(NDArray mask) {
        Shape shape = mask.getShape();
        NDArray keep = mask.toType(DataType.FLOAT32, false);
        return keep.neg().add(1f).mul(-Float.MAX_VALUE).reshape(shape.get(0), 1, 1, shape.get(1));
    }

    private void checkIds(NDArray ids) {
        Shape shape = ids.getShape();
        if (shape.dimension() != 2 || shape.get(1) == 0 || shape.get(0) == 0) {
            throw new IllegalArgumentException("T5 encoder input_ids: shape " + shape
                    + ", expected [batch, length] with batch and length at least 1");
        }
        TokenIds.requireInVocabulary("T5 encoder", ids, config.vocabSize());
    }

    private static void checkMask(NDArray mask, Shape idsShape) {
        if (mask == null) {
            return;
        }
        if (!mask.getShape().equals(idsShape)) {
            throw new IllegalArgumentException("T5 encoder attention_mask: shape " + mask.getShape()
                    + ", expected the shape of input_ids " + idsShape);
        }
        if (mask.getDataType().isFloating()) {
            throw new IllegalArgumentException("T5 encoder attention_mask: dtype " + mask.getDataType()
                    + ", expected integers or booleans (1 = attend, 0 = padding)");
        }
    }
}
