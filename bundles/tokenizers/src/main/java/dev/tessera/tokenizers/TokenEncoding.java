package dev.tessera.tokenizers;

import java.util.Arrays;
import java.util.List;

/** The result of encoding one text: token ids, the tokens as strings, and where each came from in the text. */
public final class TokenEncoding {

    private final long[] ids;
    private final List<String> tokens;
    private final List<TokenSpan> offsets;

    public TokenEncoding(long[] ids, List<String> tokens, List<TokenSpan> offsets) {
        if (tokens.size() != ids.length || offsets.size() != ids.length) {
            throw new IllegalArgumentException("an encoding needs as many tokens (" + tokens.size() + ") and offsets ("
                    + offsets.size() + ") as ids (" + ids.length + ")");
        }
        this.ids = ids.clone();
        this.tokens = List.copyOf(tokens);
        this.offsets = List.copyOf(offsets);
    }

    /** The number of tokens. */
    public int size() {
        return ids.length;
    }

    /** The token ids, a copy. */
    public long[] ids() {
        return ids.clone();
    }

    /** The id of token {@code index}. */
    public long id(int index) {
        return ids[index];
    }

    /** The tokens as the vocabulary spells them (e.g. {@code "photo</w>"} for CLIP). */
    public List<String> tokens() {
        return tokens;
    }

    /** Each token's span in the encoded text. */
    public List<TokenSpan> offsets() {
        return offsets;
    }

    @Override
    public String toString() {
        return "TokenEncoding" + Arrays.toString(ids) + tokens;
    }
}
