package dev.tessera.models.t5;

import dev.tessera.models.core.ModelLoadException;
import java.util.Set;

/**
 * The transformers T5Config fields the encoder uses.
 *
 * @param vocabSize                    rows of the shared token embedding
 * @param dModel                       width of the residual stream
 * @param dKv                          channels per attention head (heads x d_kv need not equal d_model)
 * @param dFf                          width of the feed-forward layer
 * @param numLayers                    encoder blocks
 * @param numHeads                     attention heads
 * @param relativeAttentionNumBuckets  relative position buckets (half for each direction in the encoder)
 * @param relativeAttentionMaxDistance distance from which all positions share the last bucket
 * @param layerNormEpsilon             RMS norm epsilon
 * @param denseActFn                   feed-forward activation: {@code gelu_new} / {@code gelu_pytorch_tanh} (tanh
 *                                     approximation, T5 v1.1), {@code gelu} (erf), {@code relu} (T5 v1.0)
 * @param gatedAct                     v1.1's gated feed-forward ({@code wi_0}, {@code wi_1}) instead of one {@code wi}
 */
public record T5Config(
        int vocabSize,
        int dModel,
        int dKv,
        int dFf,
        int numLayers,
        int numHeads,
        int relativeAttentionNumBuckets,
        int relativeAttentionMaxDistance,
        float layerNormEpsilon,
        String denseActFn,
        boolean gatedAct) {

    /** The activations the feed-forward layer supports. */
    public static final Set<String> ACTIVATIONS = Set.of("gelu_new", "gelu_pytorch_tanh", "gelu", "relu");

    public T5Config {
        if (vocabSize <= 0 || dModel <= 0 || dKv <= 0 || dFf <= 0 || numLayers <= 0 || numHeads <= 0) {
            throw new ModelLoadException("T5 configuration: vocab_size " + vocabSize + ", d_model " + dModel
                    + ", d_kv " + dKv + ", d_ff " + dFf + ", num_layers " + numLayers + ", num_heads " + numHeads
                    + " must all be positive");
        }
        if (relativeAttentionNumBuckets < 4 || relativeAttentionMaxDistance <= relativeAttentionNumBuckets / 4) {
            throw new ModelLoadException("T5 configuration: relative_attention_num_buckets "
                    + relativeAttentionNumBuckets + " must be at least 4 and relative_attention_max_distance "
                    + relativeAttentionMaxDistance + " larger than a quarter of it");
        }
        if (!ACTIVATIONS.contains(denseActFn)) {
            throw new ModelLoadException("T5 configuration: dense_act_fn '" + denseActFn + "' is not supported,"
                    + " expected one of " + ACTIVATIONS);
        }
    }

    /** heads x d_kv: the width of q, k and v. */
    public int innerDim() {
        return numHeads * dKv;
    }

    /** google/t5-v1_1-xxl's encoder, as FLUX.1 and SD3 use it ({@code text_encoder_2} / {@code text_encoder_3}). */
    public static T5Config v11Xxl() {
        return new T5Config(32128, 4096, 64, 10240, 24, 64, 32, 128, 1e-6f, "gelu_new", true);
    }
}
