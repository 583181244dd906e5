package dev.tessera.models.sd;

import dev.tessera.models.core.ModelLoadException;

/**
 * The transformers CLIPTextConfig fields the text encoder uses. The same record describes OpenAI CLIP-L (SD1.x,
 * SDXL's first encoder) and OpenCLIP ViT-bigG (SDXL's second, SD3's CLIP-G): the latter uses gelu and a
 * text_projection (transformers' CLIPTextModelWithProjection).
 *
 * @param hiddenAct  "quick_gelu" (OpenAI CLIP, SD1.x) or "gelu"
 * @param eosTokenId 2 marks a legacy config: the pooled token is then the argmax of the ids (the end token has the
 *                   highest id in CLIP's vocabulary), as transformers does; otherwise the first {@code eosTokenId}
 * @param projectionDim width of the text_projection (bias-free linear) applied to the pooled output, or 0 for a
 *                   model without one (CLIPTextModel)
 */
public record CLIPTextConfig(
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int maxPositionEmbeddings,
        String hiddenAct,
        float layerNormEps,
        int eosTokenId,
        int projectionDim) {

    /** The eos_token_id value that makes transformers pool at the argmax of the ids. */
    public static final int LEGACY_EOS_TOKEN_ID = 2;

    public CLIPTextConfig {
        if (hiddenSize % numAttentionHeads != 0) {
            throw new ModelLoadException("text encoder configuration: hidden_size " + hiddenSize
                    + " is not divisible by num_attention_heads " + numAttentionHeads);
        }
        if (projectionDim < 0) {
            throw new ModelLoadException("text encoder configuration: projection_dim " + projectionDim
                    + " is negative");
        }
        if (!"quick_gelu".equals(hiddenAct) && !"gelu".equals(hiddenAct)) {
            throw new ModelLoadException("text encoder configuration: hidden_act '" + hiddenAct
                    + "' is not supported, expected quick_gelu or gelu");
        }
    }

    /** A text encoder without text_projection. */
    public CLIPTextConfig(int vocabSize, int hiddenSize, int intermediateSize, int numHiddenLayers,
            int numAttentionHeads, int maxPositionEmbeddings, String hiddenAct, float layerNormEps, int eosTokenId) {
        this(vocabSize, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads, maxPositionEmbeddings,
                hiddenAct, layerNormEps, eosTokenId, 0);
    }

    /** Whether the model has a text_projection. */
    public boolean projected() {
        return projectionDim > 0;
    }

    /** This configuration with a text_projection of {@code width} (0: none). */
    public CLIPTextConfig withProjection(int width) {
        return new CLIPTextConfig(vocabSize, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
                maxPositionEmbeddings, hiddenAct, layerNormEps, eosTokenId, width);
    }

    /** OpenAI CLIP ViT-L/14's text tower as SD1.x uses it (the config stable-diffusion-v1-5 ships). */
    public static CLIPTextConfig sd15() {
        return new CLIPTextConfig(49408, 768, 3072, 12, 12, 77, "quick_gelu", 1e-5f, LEGACY_EOS_TOKEN_ID);
    }

    /**
     * OpenCLIP ViT-bigG/14's text tower with its projection, as SDXL's text_encoder_2 config gives it (the end
     * token 49407 is the vocabulary's highest id, so pooling at it equals OpenCLIP's argmax of the ids).
     */
    public static CLIPTextConfig bigG() {
        return new CLIPTextConfig(49408, 1280, 5120, 32, 20, 77, "gelu", 1e-5f, 49407, 1280);
    }
}
