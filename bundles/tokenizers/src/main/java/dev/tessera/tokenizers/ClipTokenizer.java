package dev.tessera.tokenizers;

import dev.tessera.tokenizers.PromptWeights.WeightedText;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Stable Diffusion prompts as CLIP input, following ComfyUI's {@code SDTokenizer.tokenize_with_weights}:
 * the prompt is split into weighted pieces by {@link PromptWeights}; each piece is tokenized on its own (without
 * start and end tokens); the pieces fill 77-token windows ({@code start}, up to 75 tokens, {@code end}, padding).
 * A piece that does not fit in the current window moves whole to the next window when it is shorter than 8
 * tokens; a longer piece is cut where the window ends and continues in the next. Every window but the last is
 * closed with {@code end} as soon as a piece does not fit, then padded.
 *
 * <p>Padding: SD1.x (CLIP-L) pads with the end token, as both ComfyUI ({@code pad_with_end=True}) and diffusers'
 * {@code CLIPTokenizer} ({@code pad_token = "<|endoftext|>"} in SD1.5's {@code special_tokens_map.json}) do;
 * SD2.x and SDXL's CLIP-G pad with id 0 ({@code pad_with_end=False}).
 */
public final class ClipTokenizer {

    /** CLIP's context: 77 positions, of which 75 hold prompt tokens. */
    public static final int CONTEXT_LENGTH = 77;

    /** A piece of at least this many tokens may be cut across two windows (ComfyUI's {@code max_word_length}). */
    static final int MAX_WORD_LENGTH = 8;

    private static final String EMBEDDING_PREFIX = "embedding:";

    private final TextTokenizer tokenizer;
    private final long startToken;
    private final long endToken;
    private final long padToken;

    /**
     * @param tokenizer a CLIP tokenizer: encoding the empty text must give exactly {@code [start, end]}
     * @param padWithEnd pad with the end token (SD1.x); otherwise with id 0 (SD2.x, SDXL's CLIP-G)
     */
    public ClipTokenizer(TextTokenizer tokenizer, boolean padWithEnd) {
        this.tokenizer = tokenizer;
        TokenEncoding empty = tokenizer.encode("");
        if (empty.size() != 2) {
            throw new TokenizerException("tokenizer " + tokenizer.source() + " is not a CLIP tokenizer: encoding the"
                    + " empty text gives " + empty.tokens() + ", expected a start and an end token");
        }
        this.startToken = empty.id(0);
        this.endToken = empty.id(1);
        this.padToken = padWithEnd ? endToken : 0;
    }

    /** The SD1.x tokenizer: pads with the end token. */
    public static ClipTokenizer sd1(TextTokenizer tokenizer) {
        return new ClipTokenizer(tokenizer, true);
    }

    public long startToken() {
        return startToken;
    }

    public long endToken() {
        return endToken;
    }

    public long padToken() {
        return padToken;
    }

    /** The tokenizer underneath. */
    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    /**
     * {@code prompt} as weighted 77-token windows; the empty prompt gives one window {@code start, end, pad...}.
     * Within {@link PromptLimits#fromSystemProperties()}.
     *
     * @throws PromptTooLongException when the prompt has more characters or tokens than the limits allow
     */
    public WeightedTokens tokenizeWithWeights(String prompt) {
        return tokenizeWithWeights(prompt, PromptLimits.fromSystemProperties());
    }

    /**
     * {@code prompt} as weighted 77-token windows, in time and memory linear in its length and bounded by
     * {@code limits}: characters are checked first, tokens are counted as the pieces are encoded, stopping at the
     * limit.
     *
     * @throws PromptTooLongException when the prompt has more characters or tokens than {@code limits} allow
     */
    public WeightedTokens tokenizeWithWeights(String prompt, PromptLimits limits) {
        if (prompt == null) {
            throw new IllegalArgumentException("prompt is null (tokenizer " + tokenizer.source() + ")");
        }
        String tooLong = limits.charProblem(prompt);
        if (tooLong != null) throw new PromptTooLongException(tooLong);
        List<String> ignoredEmbeddings = new ArrayList<>();
        List<Piece> pieces = new ArrayList<>();
        long tokens = 0;
        for (WeightedText segment : PromptWeights.parse(prompt)) {
            for (String word : splitAtEmbeddings(segment.text())) {
                String text = word.startsWith(EMBEDDING_PREFIX) ? dropEmbedding(word, ignoredEmbeddings) : word;
                if (!text.isEmpty()) {
                    long[] ids = tokenizer.encode(text, false).ids();
                    tokens += ids.length;
                    if (tokens > limits.maxTokens()) {
                        throw new PromptTooLongException("the prompt has more than " + limits.maxTokens()
                                + " tokens, the limit (" + PromptLimits.MAX_TOKENS + ")");
                    }
                    pieces.add(new Piece(ids, (float) segment.weight()));
                }
            }
        }
        return new Windows().fill(pieces).build(ignoredEmbeddings);
    }

    /** ComfyUI splits a segment before each {@code embedding:} that follows a space or a newline. */
    private static List<String> splitAtEmbeddings(String text) {
        String[] split = text.split(" " + EMBEDDING_PREFIX + "|\n" + EMBEDDING_PREFIX, -1);
        List<String> words = new ArrayList<>(split.length);
        for (int i = 0; i < split.length; i++) {
            String word = i == 0 ? split[i] : EMBEDDING_PREFIX + split[i];
            if (!word.isEmpty()) {
                words.add(word);
            }
        }
        return words;
    }

    /**
     * What ComfyUI tokenizes for {@code embedding:NAME rest} when NAME is not found: the name is dropped and the
     * rest kept; commas stuck to the name are kept as text ({@code _try_get_embedding}).
     */
    private static String dropEmbedding(String word, List<String> ignored) {
        String afterPrefix = stripNewlines(word.substring(EMBEDDING_PREFIX.length()));
        String[] parts = afterPrefix.strip().split("\\s+");
        if (parts.length == 0 || parts[0].isEmpty()) {
            throw new IllegalArgumentException("prompt has '" + EMBEDDING_PREFIX
                    + "' without an embedding name after it");
        }
        String name = parts[0];
        String rest = String.join(" ", Arrays.asList(parts).subList(1, parts.length));
        String withoutCommas = stripCommas(name);
        ignored.add(withoutCommas.isEmpty() ? name : withoutCommas);
        if (withoutCommas.length() < name.length()) {
            return name.substring(withoutCommas.length()) + " " + rest;
        }
        return rest;
    }

    private static String stripNewlines(String text) {
        int from = 0;
        int to = text.length();
        while (from < to && text.charAt(from) == '\n') {
            from++;
        }
        while (to > from && text.charAt(to - 1) == '\n') {
            to--;
        }
        return text.substring(from, to);
    }

    private static String stripCommas(String text) {
        int from = 0;
        int to = text.length();
        while (from < to && text.charAt(from) == ',') {
            from++;
        }
        while (to > from && text.charAt(to - 1) == ',') {
            to--;
        }
        return text.substring(from, to);
    }

    /** One piece of the prompt: its token ids, all of one weight. */
    private record Piece(long[] ids, float weight) {}

    /** The windows being filled; mirrors the loop of {@code tokenize_with_weights}. */
    private final class Windows {
        private final List<long[]> ids = new ArrayList<>();
        private final List<float[]> weights = new ArrayList<>();
        private final List<int[]> words = new ArrayList<>();
        private long[] windowIds;
        private float[] windowWeights;
        private int[] windowWords;
        private int length;

        Windows fill(List<Piece> pieces) {
            open();
            for (int p = 0; p < pieces.size(); p++) {
                long[] piece = pieces.get(p).ids();
                float weight = pieces.get(p).weight();
                boolean large = piece.length >= MAX_WORD_LENGTH;
                int next = 0;
                while (next < piece.length) {
                    int remaining = piece.length - next;
                    if (remaining + length > CONTEXT_LENGTH - 1) {
                        if (large) {
                            int room = CONTEXT_LENGTH - 1 - length;
                            for (int i = 0; i < room; i++) {
                                add(piece[next + i], weight, p + 1);
                            }
                            next += room;
                        }
                        closeAndPad();
                        open();
                    } else {
                        for (int i = next; i < piece.length; i++) {
                            add(piece[i], weight, p + 1);
                        }
                        next = piece.length;
                    }
                }
            }
            closeAndPad();
            return this;
        }

        private void open() {
            windowIds = new long[CONTEXT_LENGTH];
            windowWeights = new float[CONTEXT_LENGTH];
            windowWords = new int[CONTEXT_LENGTH];
            length = 0;
            add(startToken, 1.0f, 0);
        }

        private void add(long id, float weight, int word) {
            windowIds[length] = id;
            windowWeights[length] = weight;
            windowWords[length] = word;
            length++;
        }

        private void closeAndPad() {
            add(endToken, 1.0f, 0);
            while (length < CONTEXT_LENGTH) {
                add(padToken, 1.0f, 0);
            }
            ids.add(windowIds);
            weights.add(windowWeights);
            words.add(windowWords);
        }

        WeightedTokens build(List<String> ignoredEmbeddings) {
            int count = ids.size();
            long[] allIds = new long[count * CONTEXT_LENGTH];
            float[] allWeights = new float[count * CONTEXT_LENGTH];
            int[] allWords = new int[count * CONTEXT_LENGTH];
            for (int w = 0; w < count; w++) {
                System.arraycopy(ids.get(w), 0, allIds, w * CONTEXT_LENGTH, CONTEXT_LENGTH);
                System.arraycopy(weights.get(w), 0, allWeights, w * CONTEXT_LENGTH, CONTEXT_LENGTH);
                System.arraycopy(words.get(w), 0, allWords, w * CONTEXT_LENGTH, CONTEXT_LENGTH);
            }
            return new WeightedTokens(CONTEXT_LENGTH, allIds, allWeights, allWords, emptyWindow(),
                    ignoredEmbeddings);
        }

        private long[] emptyWindow() {
            long[] empty = new long[CONTEXT_LENGTH];
            Arrays.fill(empty, padToken);
            empty[0] = startToken;
            empty[1] = endToken;
            return empty;
        }
    }
}
