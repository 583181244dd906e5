package dev.tessera.models.sd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.ComputeTypes;
import dev.tessera.models.core.TokenIds;
import dev.tessera.models.core.Weights;
import dev.tessera.models.core.layers.Linear;
import dev.tessera.models.core.layers.Ops;
import dev.tessera.models.sd.internal.CLIPEncoderLayer;
import dev.tessera.models.sd.internal.LayerNorm;
import dev.tessera.tensor.TensorScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * transformers' CLIPTextModel (the text tower SD1.x conditions on) and, with a projection in its configuration,
 * CLIPTextModelWithProjection (OpenCLIP bigG in SDXL and SD3). Parameter names are transformers' without the
 * {@code text_model.} prefix: {@code embeddings.*}, {@code encoder.layers.N.*}, {@code final_layer_norm.*}, and
 * {@code text_projection.weight} [projection_dim, hidden] when projected.
 *
 * <p>Hidden states are numbered as transformers does: 0 is the embedding output, i the output of layer i, so
 * {@code hiddenState(ids, -2)} is the input of the last layer (ComfyUI's "CLIP skip 2"). Intermediate states are
 * not normalised; {@link #finalLayerNorm} applies the final norm where a pipeline wants it (diffusers' clip_skip).
 */
public final class CLIPTextModel {

    private final CLIPTextConfig config;
    private final DataType dtype;
    private final NDArray tokenEmbedding;
    private final NDArray positionEmbedding;
    private final List<CLIPEncoderLayer> layers = new ArrayList<>();
    private final LayerNorm finalLayerNorm;
    private final Linear textProjection;

    public CLIPTextModel(CLIPTextConfig config, Weights weights, DataType dtype) {
        this.config = config;
        this.dtype = ComputeTypes.require(dtype, "text encoder");
        long hidden = config.hiddenSize();
        this.tokenEmbedding = weights.get("embeddings.token_embedding.weight",
                new Shape(config.vocabSize(), hidden));
        this.positionEmbedding = weights.get("embeddings.position_embedding.weight",
                new Shape(config.maxPositionEmbeddings(), hidden));
        boolean quickGelu = "quick_gelu".equals(config.hiddenAct());
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            layers.add(new CLIPEncoderLayer(weights, "encoder.layers." + i, hidden, config.intermediateSize(),
                    config.numAttentionHeads(), config.layerNormEps(), quickGelu));
        }
        this.finalLayerNorm = new LayerNorm(weights, "final_layer_norm", hidden, config.layerNormEps());
        this.textProjection = config.projected()
                ? new Linear(weights, "text_projection", hidden, config.projectionDim(), false) : null;
    }

    public CLIPTextConfig config() {
        return config;
    }

    /** Encodes token ids [B, L] (integers, L at most max_position_embeddings). */
    public CLIPTextOutput forward(NDArray inputIds) {
        checkIds(inputIds);
        NDList kept = TensorScope.keepAll(() -> {
            NDArray mask = causalMask(inputIds.getManager(), inputIds.getShape().get(1));
            NDArray h = embed(inputIds);
            NDArray penultimate = h;
            for (CLIPEncoderLayer layer : layers) {
                penultimate = h;
                h = layer.forward(h, mask);
            }
            NDArray last = finalLayerNorm.forward(h);
            NDArray pooled = pool(last, inputIds);
            NDList out = new NDList(last, penultimate, pooled, h);
            if (textProjection != null) {
                out.add(textProjection.forward(pooled));
            }
            return out;
        });
        return new CLIPTextOutput(kept.get(0), kept.get(1), kept.get(2), kept.size() > 4 ? kept.get(4) : null,
                kept.get(3));
    }

    /**
     * hidden_states[{@code index}] as transformers numbers them (negative counts from the end: -1 is the last
     * layer's output before the final norm), running only the layers needed.
     */
    public NDArray hiddenState(NDArray inputIds, int index) {
        checkIds(inputIds);
        int count = layers.size() + 1;
        int resolved = index < 0 ? count + index : index;
        if (resolved < 0 || resolved >= count) {
            throw new IllegalArgumentException("hidden state index " + index + " out of range: this text encoder has "
                    + count + " hidden states (embeddings and " + layers.size() + " layers)");
        }
        return TensorScope.keep(() -> {
            NDArray mask = causalMask(inputIds.getManager(), inputIds.getShape().get(1));
            NDArray h = embed(inputIds);
            for (int i = 0; i < resolved; i++) {
                h = layers.get(i).forward(h, mask);
            }
            return h;
        });
    }

    /**
     * The text_projection of pooled outputs [B, hidden] (for a pooled output computed elsewhere, e.g. from
     * prompt windows).
     *
     * @throws IllegalStateException if this model has no projection
     */
    public NDArray project(NDArray pooled) {
        if (textProjection == null) {
            throw new IllegalStateException("this text encoder has no text_projection");
        }
        return TensorScope.keep(() -> textProjection.forward(pooled.toType(dtype, false)));
    }

    /** The final layer norm, for hidden states taken from an earlier layer. */
    public NDArray finalLayerNorm(NDArray hiddenState) {
        return TensorScope.keep(() -> finalLayerNorm.forward(hiddenState.toType(dtype, false)));
    }

    private NDArray embed(NDArray ids) {
        long length = ids.getShape().get(1);
        NDArray positions = ids.getManager().arange(0, (int) length, 1, DataType.INT64);
        NDArray longIds = ids.toType(DataType.INT64, false);
        return Ops.embedding(longIds, tokenEmbedding).add(Ops.embedding(positions, positionEmbedding));
    }

    private NDArray pool(NDArray last, NDArray ids) {
        long batch = ids.getShape().get(0);
        long length = ids.getShape().get(1);
        NDArray longIds = ids.toType(DataType.INT64, false);
        NDArray position = config.eosTokenId() == CLIPTextConfig.LEGACY_EOS_TOKEN_ID
                ? longIds.argMax(1)
                : longIds.eq(config.eosTokenId()).toType(DataType.INT32, false).argMax(1);
        NDArray rows = position.add(ids.getManager().arange(0, (int) batch, 1, DataType.INT64).mul(length));
        return Ops.embedding(rows, last.reshape(batch * length, -1));
    }

    private NDArray causalMask(NDManager manager, long length) {
        int n = (int) length;
        float[] mask = new float[n * n];
        for (int row = 0; row < n; row++) {
            Arrays.fill(mask, row * n + row + 1, (row + 1) * n, Float.NEGATIVE_INFINITY);
        }
        return manager.create(mask, new Shape(n, n)).toDevice(tokenEmbedding.getDevice(), false).toType(dtype, false);
    }

    private void checkIds(NDArray ids) {
        Shape shape = ids.getShape();
        if (shape.dimension() != 2 || shape.get(1) > config.maxPositionEmbeddings() || shape.get(1) == 0) {
            throw new IllegalArgumentException("text encoder input_ids: shape " + shape + ", expected [batch, length]"
                    + " with 1 <= length <= " + config.maxPositionEmbeddings());
        }
        TokenIds.requireInVocabulary("text encoder", ids, config.vocabSize());
    }
}
