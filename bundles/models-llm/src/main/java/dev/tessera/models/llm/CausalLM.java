package dev.tessera.models.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.llm.internal.DecoderLayer;
import dev.tessera.models.llm.internal.LlmOps;
import dev.tessera.models.llm.internal.Rotary;
import dev.tessera.models.core.ComputeTypes;
import dev.tessera.models.core.TokenIds;
import dev.tessera.models.core.Weights;
import dev.tessera.models.core.layers.Linear;
import dev.tessera.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;

/**
 * transformers' LlamaForCausalLM / Qwen2ForCausalLM: token embedding, decoder layers, final RMSNorm and the output
 * projection ({@code lm_head.weight}, or the embedding when tied). Parameter names are transformers'
 * ({@code model.embed_tokens.weight}, {@code model.layers.N.*}, {@code model.norm.weight}, {@code lm_head.weight}).
 *
 * <p>Logits come out in float32. Inputs must be on the weights' device.
 */
public final class CausalLM {

    private final LlmConfig config;
    private final DataType dtype;
    private final NDArray embedTokens;
    private final List<DecoderLayer> layers = new ArrayList<>();
    private final NDArray norm;
    private final Linear lmHead;
    private final Rotary rotary;

    public CausalLM(LlmConfig config, Weights weights, DataType dtype) {
        this.config = config;
        this.dtype = ComputeTypes.require(dtype, config.architecture().modelType() + " decoder");
        Shape table = new Shape(config.vocabSize(), config.hiddenSize());
        this.embedTokens = weights.get("model.embed_tokens.weight", table);
        for (int i = 0; i < config.numLayers(); i++) {
            layers.add(new DecoderLayer(weights, "model.layers." + i, config));
        }
        this.norm = weights.get("model.norm.weight", new Shape(config.hiddenSize()));
        // Laid out [hidden, vocab] once (a view of the stored table when tied), not transposed at every step.
        this.lmHead = new Linear(weights, config.tieWordEmbeddings() ? "model.embed_tokens" : "lm_head",
                config.hiddenSize(), config.vocabSize(), false);
        this.rotary = new Rotary(config.ropeScaling().inverseFrequencies(config.ropeTheta(), config.headDim()));
    }

    public LlmConfig config() {
        return config;
    }

    public DataType dataType() {
        return dtype;
    }

    /** An empty cache for one generation, its tensors in a sub-manager of {@code manager}. */
    public KvCache newCache(NDManager manager) {
        return new KvCache(manager, layers.size());
    }

    /** Logits [B, L, vocab] float32 of token ids [B, L], every position attending to itself and those before. */
    public NDArray forward(NDArray inputIds) {
        return forward(inputIds, null);
    }

    /**
     * Logits [B, L, vocab] float32 of token ids [B, L] that continue the positions in {@code cache} (null: a fresh
     * sequence, nothing kept). The cache grows by L positions.
     */
    public NDArray forward(NDArray inputIds, KvCache cache) {
        Shape shape = inputIds.getShape();
        if (shape.dimension() != 2 || shape.get(0) == 0 || shape.get(1) == 0) {
            throw new IllegalArgumentException(config.architecture().modelType() + " input_ids: shape " + shape
                    + ", expected [batch, length] with batch and length at least 1");
        }
        TokenIds.requireInVocabulary(config.architecture().modelType(), inputIds, config.vocabSize());
        long start = cache == null ? 0 : cache.length();
        int length = (int) shape.get(1);
        if (start + length > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException(config.architecture().modelType() + ": " + (start + length)
                    + " positions exceed max_position_embeddings " + config.maxPositionEmbeddings());
        }
        NDArray logits = TensorScope.keep(() -> {
            NDManager manager = inputIds.getManager();
            NDArray[] tables = rotary.tables(manager, start, length);
            NDArray cos = tables[0].toDevice(embedTokens.getDevice(), false);
            NDArray sin = tables[1].toDevice(embedTokens.getDevice(), false);
            NDArray mask = length == 1 ? null : causalMask(manager, start, length);
            NDArray h = LlmOps.embed(inputIds.toType(DataType.INT64, false), embedTokens);
            for (int i = 0; i < layers.size(); i++) {
                NDArray[] out = layers.get(i).forward(h, cos, sin, cache == null ? null : cache.layer(i), mask);
                h = out[0];
                if (cache != null) {
                    cache.update(i, out[1], out[2]);
                }
            }
            NDArray normed = LlmOps.rmsNorm(h, norm, config.rmsNormEps());
            return lmHead.forward(normed).toType(DataType.FLOAT32, false);
        });
        if (cache != null) {
            cache.advance(length);
        }
        return logits;
    }

    /** [L, start + L] float32: 0 where query i (position start + i) may see key j (j <= start + i), else -inf. */
    private NDArray causalMask(NDManager manager, long start, int length) {
        long keys = start + length;
        float[] values = new float[(int) (length * keys)];
        for (int i = 0; i < length; i++) {
            for (long j = start + i + 1; j < keys; j++) {
                values[(int) (i * keys + j)] = Float.NEGATIVE_INFINITY;
            }
        }
        return manager.create(values, new Shape(length, keys)).toDevice(embedTokens.getDevice(), false);
    }
}
