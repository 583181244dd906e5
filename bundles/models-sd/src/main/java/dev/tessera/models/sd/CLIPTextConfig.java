package dev.tessera.models.sd;

import dev.tessera.models.core.ModelLoadException;

/**
 * The transformers CLIPTextConfig fields the text encoder uses.
 *
 * @param hiddenAct  "quick_gelu" (OpenAI CLIP, SD1.x) or "gelu"
 * @param eosTokenId 2 marks a legacy config: the pooled token is then the argmax of the ids (the end token has the
 *                   highest id in CLIP's vocabulary), as transformers does; otherwise the first {@code eosTokenId}
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
        int eosTokenId) {

    /** The eos_token_id value that makes transformers pool at the argmax of the ids. */
    public static final int LEGACY_EOS_TOKEN_ID = 2;

    public CLIPTextConfig {
        if (hiddenSize % numAttentionHeads != 0) {
            throw new ModelLoadException("text encoder configuration: hidden_size " + hiddenSize
                    + " is not divisible by num_attention_heads " + numAttentionHeads);
        }
        if (!"quick_gelu".equals(hiddenAct) && !"gelu".equals(hiddenAct)) {
            throw new ModelLoadException("text encoder configuration: hidden_act '" + hiddenAct
                    + "' is not supported, expected quick_gelu or gelu");
        }
    }

    /** OpenAI CLIP ViT-L/14's text tower as SD1.x uses it (the config stable-diffusion-v1-5 ships). */
    public static CLIPTextConfig sd15() {
        return new CLIPTextConfig(49408, 768, 3072, 12, 12, 77, "quick_gelu", 1e-5f, LEGACY_EOS_TOKEN_ID);
    }
}
