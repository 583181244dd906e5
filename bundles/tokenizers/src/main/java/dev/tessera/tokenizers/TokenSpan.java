package dev.tessera.tokenizers;

/**
 * Where a token came from in the encoded text: {@code [start, end)} as Java {@code String} (UTF-16) indices.
 * Tokens the tokenizer inserted (start and end tokens) have the empty span {@code [0, 0)}, as Hugging Face gives.
 */
public record TokenSpan(int start, int end) {

    public TokenSpan {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("invalid token span [" + start + ", " + end + ")");
        }
    }
}
