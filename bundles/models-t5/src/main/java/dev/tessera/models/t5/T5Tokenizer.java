package dev.tessera.models.t5;

import dev.tessera.tokenizers.TextTokenizer;
import dev.tessera.tokenizers.TokenEncoding;
import dev.tessera.tokenizers.TokenizerException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * T5 tokenization as diffusers' FLUX and SD3 pipelines call the fast T5 tokenizer: {@code padding="max_length",
 * truncation=True}: the prompt's tokens, cut to {@code maxLength - 1}, then {@code </s>}, then {@code <pad>} up to
 * {@code maxLength}. FLUX.1-dev uses 512, FLUX.1-schnell 256, SD3 256 ({@code max_sequence_length}).
 *
 * <p>The vocabulary comes from the model folder's {@code tokenizer.json} (a transformers T5 folder or a diffusers
 * {@code tokenizer_2/}), through the Hugging Face tokenizers binding; {@code </s>} and {@code <pad>} are looked up
 * in it, so the end and pad ids are the tokenizer's own (1 and 0 for T5).
 *
 * <p>ComfyUI differs: it pads to at least 256 (FLUX) or 77 (SD3) tokens and never truncates. Both give the same
 * embeddings for the prompt's own tokens; only the padding positions differ, and FLUX attends to them.
 */
public final class T5Tokenizer implements AutoCloseable {

    /** diffusers' FluxPipeline default {@code max_sequence_length} (FLUX.1-dev, Kontext). */
    public static final int FLUX_DEV_MAX_LENGTH = 512;
    /** What diffusers' FLUX.1-schnell examples and SD3 use. */
    public static final int FLUX_SCHNELL_MAX_LENGTH = 256;

    private final TextTokenizer tokenizer;
    private final long eos;
    private final long pad;

    /** Wraps {@code tokenizer} (now owned by this object: closing this closes it). */
    public T5Tokenizer(TextTokenizer tokenizer) {
        this.tokenizer = tokenizer;
        try {
            this.eos = special(tokenizer, "</s>");
            this.pad = special(tokenizer, "<pad>");
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    /** The tokenizer of a model folder ({@code tokenizer.json}). */
    public static T5Tokenizer fromFolder(Path folder) {
        return new T5Tokenizer(TextTokenizer.fromFolder(folder));
    }

    public long eosTokenId() {
        return eos;
    }

    public long padTokenId() {
        return pad;
    }

    /** One prompt, as {@link #encode(List, int)}. */
    public T5Tokens encode(String prompt, int maxLength) {
        return encode(List.of(prompt), maxLength);
    }

    /** Each prompt truncated to {@code maxLength - 1} tokens, ended with {@code </s>}, padded to {@code maxLength}. */
    public T5Tokens encode(List<String> prompts, int maxLength) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("T5 tokenizer: max length " + maxLength + " must be at least 1 (room"
                    + " for </s>)");
        }
        long[][] ids = new long[prompts.size()][];
        long[][] mask = new long[prompts.size()][];
        int[] truncated = new int[prompts.size()];
        for (int i = 0; i < prompts.size(); i++) {
            String prompt = prompts.get(i);
            if (prompt == null) {
                throw new IllegalArgumentException("T5 tokenizer: prompt " + i + " is null");
            }
            long[] content = tokenizer.encode(prompt, false).ids();
            int kept = Math.min(content.length, maxLength - 1);
            truncated[i] = content.length - kept;
            ids[i] = new long[maxLength];
            mask[i] = new long[maxLength];
            Arrays.fill(ids[i], pad);
            System.arraycopy(content, 0, ids[i], 0, kept);
            ids[i][kept] = eos;
            Arrays.fill(mask[i], 0, kept + 1, 1L);
        }
        return new T5Tokens(ids, mask, truncated);
    }

    /**
     * ComfyUI's SD3 tokenization ({@code T5XXLTokenizer}: {@code min_length=77}, no truncation): all of the prompt's
     * tokens, {@code </s>}, then {@code <pad>} up to {@code minLength} when shorter.
     */
    public T5Tokens encodeAtLeast(String prompt, int minLength) {
        if (prompt == null) {
            throw new IllegalArgumentException("T5 tokenizer: prompt is null");
        }
        long[] content = tokenizer.encode(prompt, false).ids();
        return encode(List.of(prompt), Math.max(minLength, content.length + 1));
    }

    private static long special(TextTokenizer tokenizer, String token) {
        TokenEncoding encoding = tokenizer.encode(token, false);
        if (encoding.size() != 1 || !encoding.tokens().get(0).equals(token)) {
            throw new TokenizerException("tokenizer " + tokenizer.source() + " has no special token " + token
                    + " (encoding it gave " + encoding.tokens() + "): not a T5 tokenizer");
        }
        return encoding.id(0);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
