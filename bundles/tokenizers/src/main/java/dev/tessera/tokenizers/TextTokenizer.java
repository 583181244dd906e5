package dev.tessera.tokenizers;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import dev.tessera.tokenizers.internal.ClipVocabularyConversion;
import dev.tessera.tokenizers.internal.NativeTokenizers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A Hugging Face tokenizer (the Rust library through DJL's binding), loaded from a {@code tokenizer.json} or from
 * a CLIP {@code vocab.json} + {@code merges.txt}. It never truncates or pads: callers decide windows and padding.
 *
 * <p>Encoding is thread-safe. The tokenizer holds native memory: close it when no thread uses it any more.
 */
public final class TextTokenizer implements AutoCloseable {

    public static final String TOKENIZER_JSON = "tokenizer.json";
    public static final String VOCAB_JSON = "vocab.json";
    public static final String MERGES_TXT = "merges.txt";

    private final HuggingFaceTokenizer tokenizer;
    private final String source;

    private TextTokenizer(HuggingFaceTokenizer tokenizer, String source) {
        this.tokenizer = tokenizer;
        this.source = source;
    }

    /** The tokenizer a {@code tokenizer.json} file describes. */
    public static TextTokenizer fromTokenizerJson(Path tokenizerJson) {
        String json;
        try {
            json = Files.readString(tokenizerJson, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new TokenizerException("cannot read tokenizer " + tokenizerJson + ": " + e, e);
        }
        return create(json, tokenizerJson.toString());
    }

    /**
     * A CLIP tokenizer from the slow tokenizer's files (as in a diffusers {@code tokenizer/} folder), built the way
     * Hugging Face transformers converts them to a fast tokenizer.
     */
    public static TextTokenizer fromClipVocabAndMerges(Path vocabJson, Path mergesTxt) {
        String json = ClipVocabularyConversion.toTokenizerJson(vocabJson, mergesTxt);
        return create(json, vocabJson + " + " + mergesTxt);
    }

    /**
     * The tokenizer in {@code folder}: its {@code tokenizer.json} if present, else its CLIP {@code vocab.json} and
     * {@code merges.txt}.
     */
    public static TextTokenizer fromFolder(Path folder) {
        return fromFirstFolder(List.of(folder));
    }

    /**
     * The tokenizer in the first of {@code folders} that has one ({@code tokenizer.json}, or {@code vocab.json} +
     * {@code merges.txt}); the error, when none has, names every folder looked in.
     */
    public static TextTokenizer fromFirstFolder(List<Path> folders) {
        for (Path folder : folders) {
            if (Files.isRegularFile(folder.resolve(TOKENIZER_JSON))) {
                return fromTokenizerJson(folder.resolve(TOKENIZER_JSON));
            }
            if (Files.isRegularFile(folder.resolve(VOCAB_JSON)) && Files.isRegularFile(folder.resolve(MERGES_TXT))) {
                return fromClipVocabAndMerges(folder.resolve(VOCAB_JSON), folder.resolve(MERGES_TXT));
            }
        }
        throw new TokenizerException("no tokenizer found: looked for " + TOKENIZER_JSON + ", or " + VOCAB_JSON
                + " and " + MERGES_TXT + ", in " + describe(folders));
    }

    private static String describe(List<Path> folders) {
        if (folders.isEmpty()) {
            return "no folder (none was given)";
        }
        List<String> described = new ArrayList<>();
        for (Path folder : folders) {
            described.add(folder.toAbsolutePath() + (Files.isDirectory(folder) ? "" : " (no such folder)"));
        }
        return String.join(", ", described);
    }

    private static TextTokenizer create(String json, String source) {
        try {
            return new TextTokenizer(NativeTokenizers.fromJson(json), source);
        } catch (IOException | RuntimeException e) {
            throw new TokenizerException("cannot load tokenizer " + source + ": " + e.getMessage(), e);
        }
    }

    /** Where this tokenizer was loaded from, for messages. */
    public String source() {
        return source;
    }

    /** {@code text} encoded with the special tokens the tokenizer's post-processor adds (CLIP: start and end). */
    public TokenEncoding encode(String text) {
        return encode(text, true);
    }

    /** {@code text} encoded, with or without the special tokens the tokenizer's post-processor adds. */
    public TokenEncoding encode(String text, boolean addSpecialTokens) {
        if (text == null) {
            throw new IllegalArgumentException("text to tokenize is null (tokenizer " + source + ")");
        }
        Encoding encoding = tokenizer.encode(text, addSpecialTokens, false);
        long[] ids = encoding.getIds();
        return new TokenEncoding(ids, Arrays.asList(encoding.getTokens()), spans(text, encoding.getCharTokenSpans()));
    }

    /**
     * DJL gives spans in Unicode code points; Java strings index UTF-16 units. The mapping is made once (none at all
     * without surrogate pairs): finding each span's index from the start of the text made long prompts quadratic.
     */
    private static List<TokenSpan> spans(String text, CharSpan[] spans) {
        List<TokenSpan> result = new ArrayList<>(spans.length);
        int codePoints = text.codePointCount(0, text.length());
        int[] utf16 = null;
        if (codePoints != text.length()) {
            utf16 = new int[codePoints + 1];
            for (int cp = 0, i = 0; cp < codePoints; cp++) {
                utf16[cp] = i;
                i += Character.charCount(text.codePointAt(i));
            }
            utf16[codePoints] = text.length();
        }
        for (CharSpan span : spans) {
            if (span == null) {
                result.add(new TokenSpan(0, 0));
            } else {
                int start = Math.min(span.getStart(), codePoints);
                int end = Math.min(span.getEnd(), codePoints);
                result.add(utf16 == null ? new TokenSpan(start, end) : new TokenSpan(utf16[start], utf16[end]));
            }
        }
        return result;
    }

    /** The text of {@code ids}, special tokens left out or kept, as the tokenizer's decoder joins them. */
    public String decode(long[] ids, boolean skipSpecialTokens) {
        return tokenizer.decode(ids, skipSpecialTokens);
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    @Override
    public String toString() {
        return "TextTokenizer[" + source + "]";
    }
}
