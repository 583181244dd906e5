package dev.tessera.models.llm;

import dev.tessera.tokenizers.TextTokenizer;
import java.util.Map;
import java.util.Set;

/**
 * A causal LM's tokenizer as generation needs it: chat prompts in the model's format, decoding, the tokens that end
 * a turn, and the bytes each token stands for (what {@link dev.tessera.models.llm.grammar.LayoutGrammar} matches
 * against its grammar). Owns the {@link TextTokenizer}: closing this closes it.
 */
public final class ChatTokenizer implements AutoCloseable {

    private final TextTokenizer tokenizer;
    private final byte[][] tokenBytes;
    private final Set<Long> stopTokens;
    private final ChatFormat format;
    private final String bos;
    private final Map<Integer, String> specialTokens;

    /**
     * @param tokenBytes per id, the bytes the token stands for in decoded text; null for special tokens and ids the
     *                   tokenizer does not have (they never match a grammar)
     * @param stopTokens ids that end a turn (end of sequence, end of turn)
     * @param bos        the beginning-of-sequence string the chat format starts with, or null
     * @param specialTokens the special tokens' text by id (some tokenizers make the layout tags special tokens)
     */
    public ChatTokenizer(TextTokenizer tokenizer, byte[][] tokenBytes, Set<Long> stopTokens, ChatFormat format,
            String bos, Map<Integer, String> specialTokens) {
        this.tokenizer = tokenizer;
        this.tokenBytes = tokenBytes;
        this.stopTokens = Set.copyOf(stopTokens);
        this.format = format;
        this.bos = bos;
        this.specialTokens = Map.copyOf(specialTokens);
    }

    /** The special tokens' text by id. */
    public Map<Integer, String> specialTokens() {
        return specialTokens;
    }

    public ChatFormat format() {
        return format;
    }

    public Set<Long> stopTokens() {
        return stopTokens;
    }

    /** Token bytes by id (shared array: do not modify). */
    public byte[][] tokenBytes() {
        return tokenBytes;
    }

    /** The ids of a single-turn chat prompt, ready for the assistant's answer. */
    public long[] encodeChat(String system, String user) {
        return tokenizer.encode(format.render(system, user, bos), false).ids();
    }

    /** The ids of plain {@code text}, with the special tokens the tokenizer's post-processor adds (a BOS). */
    public long[] encode(String text) {
        return tokenizer.encode(text, true).ids();
    }

    /** The text of {@code ids} without special tokens. */
    public String decode(long[] ids) {
        return tokenizer.decode(ids, true);
    }

    /** The text of {@code ids} with special tokens spelled out. */
    public String decodeWithSpecialTokens(long[] ids) {
        return tokenizer.decode(ids, false);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
