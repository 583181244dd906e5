package dev.tessera.models.llm;

import dev.tessera.models.core.ModelLoadException;

/**
 * The transformers LlamaConfig / Qwen2Config fields the decoder uses.
 *
 * @param architecture          LLaMA or Qwen2
 * @param vocabSize             rows of the token embedding and of the output projection
 * @param hiddenSize            width of the residual stream
 * @param intermediateSize      width of the SwiGLU feed-forward layer
 * @param numLayers             decoder layers
 * @param numHeads              query heads
 * @param numKeyValueHeads      key/value heads (grouped-query attention: each serves numHeads / numKeyValueHeads)
 * @param headDim               channels per head ({@code head_dim}, else hidden / heads)
 * @param rmsNormEps            RMSNorm epsilon
 * @param ropeTheta             RoPE base
 * @param ropeScaling           RoPE frequency scaling
 * @param attentionBias         biases on q, k and v (always for Qwen2; LLaMA's {@code attention_bias}, which also
 *                              puts one on o)
 * @param mlpBias               biases on the feed-forward projections (LLaMA's {@code mlp_bias})
 * @param tieWordEmbeddings     the output projection is the token embedding
 * @param maxPositionEmbeddings the longest sequence the model was trained for (prompt plus generated tokens)
 */
public record LlmConfig(
        Architecture architecture,
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numLayers,
        int numHeads,
        int numKeyValueHeads,
        int headDim,
        float rmsNormEps,
        double ropeTheta,
        RopeScaling ropeScaling,
        boolean attentionBias,
        boolean mlpBias,
        boolean tieWordEmbeddings,
        int maxPositionEmbeddings) {

    public LlmConfig {
        if (vocabSize <= 0 || hiddenSize <= 0 || intermediateSize <= 0 || numLayers <= 0 || numHeads <= 0
                || numKeyValueHeads <= 0 || headDim <= 0 || maxPositionEmbeddings <= 0) {
            throw new ModelLoadException(architecture.modelType() + " configuration: vocab_size " + vocabSize
                    + ", hidden_size " + hiddenSize + ", intermediate_size " + intermediateSize
                    + ", num_hidden_layers " + numLayers + ", num_attention_heads " + numHeads
                    + ", num_key_value_heads " + numKeyValueHeads + ", head_dim " + headDim
                    + ", max_position_embeddings " + maxPositionEmbeddings + " must all be positive");
        }
        if (numHeads % numKeyValueHeads != 0) {
            throw new ModelLoadException(architecture.modelType() + " configuration: num_attention_heads " + numHeads
                    + " is not a multiple of num_key_value_heads " + numKeyValueHeads);
        }
        if (headDim % 2 != 0) {
            throw new ModelLoadException(architecture.modelType() + " configuration: head_dim " + headDim
                    + " must be even (RoPE rotates channel pairs)");
        }
    }

    /** Query heads per key/value head. */
    public int groups() {
        return numHeads / numKeyValueHeads;
    }

    /** Qwen2 with the architecture's fixed choices: q/k/v biases, no o or MLP biases. */
    public static LlmConfig qwen2(int vocabSize, int hiddenSize, int intermediateSize, int numLayers, int numHeads,
            int numKeyValueHeads, float rmsNormEps, double ropeTheta, boolean tieWordEmbeddings,
            int maxPositionEmbeddings) {
        return new LlmConfig(Architecture.QWEN2, vocabSize, hiddenSize, intermediateSize, numLayers, numHeads,
                numKeyValueHeads, hiddenSize / numHeads, rmsNormEps, ropeTheta, RopeScaling.NONE, true, false,
                tieWordEmbeddings, maxPositionEmbeddings);
    }

    /** Qwen2.5-0.5B's topology (the benchmark's). */
    public static LlmConfig qwen25HalfB() {
        return qwen2(151936, 896, 4864, 24, 14, 2, 1e-6f, 1_000_000, true, 32768);
    }
}
