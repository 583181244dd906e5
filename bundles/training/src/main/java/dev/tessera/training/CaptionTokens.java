package dev.tessera.training;

import dev.tessera.tokenizers.ClipTokenizer;
import dev.tessera.tokenizers.WeightedTokens;

/**
 * Captions to the token ids CLIPTextEncode gives an SD1.x text encoder (ComfyUI's SD1 tokenisation: start token,
 * the text, end token, padded with the end token to 77), so a model trains on what inference will feed it.
 */
public final class CaptionTokens {

    private final ClipTokenizer tokenizer;

    public CaptionTokens(ClipTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** The ids of the first 77-token window of {@code caption} (longer captions are not used in training). */
    public long[] ids(String caption) {
        WeightedTokens tokens = tokenizer.tokenizeWithWeights(caption);
        if (tokens.windows() > 1) {
            throw new TrainingException("caption '" + caption + "' needs " + tokens.windows() + " windows of 77"
                    + " tokens; training takes captions of one window");
        }
        return tokens.ids(0);
    }
}
