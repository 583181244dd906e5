package dev.tessera.tokenizers;

import java.util.Arrays;
import java.util.List;

/**
 * A prompt as CLIP input: {@link #windows()} windows of {@link #windowLength()} token ids (77 for CLIP), each
 * {@code start, content..., end, pad...}, with a weight per token (1 for start, end and padding).
 *
 * <p>How a text encoder uses it, as ComfyUI's {@code ClipTokenWeightEncoder.encode_token_weights} does: encode
 * every window as one batch; if any weight differs from 1, also encode {@link #emptyWindow()} (start, end, then
 * padding) and replace each token's hidden state {@code z} by {@code (z - z_empty) * w + z_empty} for every token
 * whose weight {@code w} is not 1, {@code z_empty} taken at the same position; concatenate the windows along the
 * token axis (77 × windows tokens); the pooled output is the first window's.
 */
public final class WeightedTokens {

    private final int windowLength;
    private final long[] ids;
    private final float[] weights;
    private final int[] wordIds;
    private final long[] emptyWindow;
    private final List<String> ignoredEmbeddings;

    WeightedTokens(int windowLength, long[] ids, float[] weights, int[] wordIds, long[] emptyWindow,
            List<String> ignoredEmbeddings) {
        if (windowLength <= 0 || ids.length == 0 || ids.length % windowLength != 0
                || weights.length != ids.length || wordIds.length != ids.length
                || emptyWindow.length != windowLength) {
            throw new IllegalArgumentException("inconsistent windows: " + ids.length + " ids, " + weights.length
                    + " weights, " + wordIds.length + " word ids, window length " + windowLength);
        }
        this.windowLength = windowLength;
        this.ids = ids;
        this.weights = weights;
        this.wordIds = wordIds;
        this.emptyWindow = emptyWindow;
        this.ignoredEmbeddings = List.copyOf(ignoredEmbeddings);
    }

    /** The number of windows, at least 1. */
    public int windows() {
        return ids.length / windowLength;
    }

    /** Tokens per window (77 for CLIP). */
    public int windowLength() {
        return windowLength;
    }

    /** The ids of window {@code window}. */
    public long[] ids(int window) {
        return Arrays.copyOfRange(ids, from(window), from(window) + windowLength);
    }

    /** The weights of window {@code window}. */
    public float[] weights(int window) {
        return Arrays.copyOfRange(weights, from(window), from(window) + windowLength);
    }

    /**
     * Which piece of the prompt each token of window {@code window} came from, numbered from 1 in prompt order
     * (ComfyUI's word ids); 0 for start, end and padding.
     */
    public int[] wordIds(int window) {
        return Arrays.copyOfRange(wordIds, from(window), from(window) + windowLength);
    }

    /** All ids, window after window: a {@code [windows, windowLength]} array in row-major order. */
    public long[] allIds() {
        return ids.clone();
    }

    /** All weights, laid out as {@link #allIds()}. */
    public float[] allWeights() {
        return weights.clone();
    }

    /** Whether any token weighs other than 1, i.e. whether the encoder must also encode {@link #emptyWindow()}. */
    public boolean hasWeights() {
        for (float weight : weights) {
            if (weight != 1.0f) {
                return true;
            }
        }
        return false;
    }

    /** The empty prompt's window (start, end, padding): the reference point that weights scale from. */
    public long[] emptyWindow() {
        return emptyWindow.clone();
    }

    /**
     * Names written as {@code embedding:NAME} in the prompt. Textual-inversion embeddings are not supported yet;
     * like ComfyUI with an embedding it cannot find, the name is left out of the tokens (and the text after it
     * kept), so callers should warn about each.
     */
    public List<String> ignoredEmbeddings() {
        return ignoredEmbeddings;
    }

    private int from(int window) {
        if (window < 0 || window >= windows()) {
            throw new IndexOutOfBoundsException("window " + window + " of " + windows());
        }
        return window * windowLength;
    }

    @Override
    public String toString() {
        return "WeightedTokens[" + windows() + " x " + windowLength + (hasWeights() ? ", weighted" : "") + "]";
    }
}
