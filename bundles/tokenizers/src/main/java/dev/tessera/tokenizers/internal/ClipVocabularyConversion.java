package dev.tessera.tokenizers.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.tessera.tokenizers.TokenizerException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the {@code tokenizer.json} of a CLIP tokenizer from the slow tokenizer's {@code vocab.json} and
 * {@code merges.txt}, as Hugging Face transformers' {@code CLIPConverter} does when it makes a fast CLIP tokenizer:
 * NFC + whitespace-collapse + lowercase normalizer; CLIP's word regex then byte-level pre-tokenization; BPE with the
 * {@code </w>} end-of-word suffix and {@code <|endoftext|>} as unknown token; {@code <|startoftext|>} ...
 * {@code <|endoftext|>} around each text.
 */
public final class ClipVocabularyConversion {

    public static final String START_TOKEN = "<|startoftext|>";
    public static final String END_TOKEN = "<|endoftext|>";
    private static final String END_OF_WORD = "</w>";

    /** CLIP's word regex, as CLIPTokenizer and CLIPConverter have it. */
    private static final String WORD_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+";

    /**
     * CLIPTokenizer reads merges.txt lines {@code [1, 49152 - 256 - 2 + 1)}: the first line is the version header,
     * and OpenAI's file holds more merges than the vocabulary was built from. Taking the same lines keeps the
     * merge ranks, and so the tokens, identical to the reference.
     */
    private static final int LAST_MERGE_LINE = 49152 - 256 - 2;

    private ClipVocabularyConversion() {}

    /** The tokenizer.json text; errors name the file and, for merges, the line. */
    public static String toTokenizerJson(Path vocabJson, Path mergesTxt) {
        Map<String, Integer> vocab = readVocab(vocabJson);
        int start = specialId(vocab, START_TOKEN, vocabJson);
        int end = specialId(vocab, END_TOKEN, vocabJson);
        JsonArray merges = readMerges(mergesTxt, vocab);

        JsonObject root = new JsonObject();
        root.addProperty("version", "1.0");
        root.add("truncation", JsonNull.INSTANCE);
        root.add("padding", JsonNull.INSTANCE);
        JsonArray added = new JsonArray();
        added.add(addedToken(start, START_TOKEN));
        added.add(addedToken(end, END_TOKEN));
        root.add("added_tokens", added);
        root.add("normalizer", normalizer());
        root.add("pre_tokenizer", preTokenizer());
        root.add("post_processor", postProcessor(start, end));
        root.add("decoder", byteLevel(true));
        root.add("model", model(vocab, merges));
        return root.toString();
    }

    private static Map<String, Integer> readVocab(Path file) {
        JsonElement parsed;
        try {
            parsed = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new TokenizerException("cannot read vocabulary " + file + ": " + e.getMessage(), e);
        } catch (JsonParseException e) {
            throw new TokenizerException("vocabulary " + file + " is not valid JSON: " + e.getMessage(), e);
        }
        if (!parsed.isJsonObject()) {
            throw new TokenizerException("vocabulary " + file + " must be a JSON object of token -> id");
        }
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> entry : parsed.getAsJsonObject().entrySet()) {
            vocab.put(entry.getKey(), tokenId(entry, file));
        }
        return vocab;
    }

    private static int tokenId(Map.Entry<String, JsonElement> entry, Path file) {
        JsonElement value = entry.getValue();
        if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()) {
            double id = value.getAsDouble();
            if (id >= 0 && id == Math.rint(id) && id <= Integer.MAX_VALUE) {
                return (int) id;
            }
        }
        throw new TokenizerException("vocabulary " + file + ": token '" + entry.getKey()
                + "' has id " + value + ", expected a non-negative integer");
    }

    private static int specialId(Map<String, Integer> vocab, String token, Path file) {
        Integer id = vocab.get(token);
        if (id == null) {
            throw new TokenizerException("vocabulary " + file + " has no '" + token
                    + "' token: not a CLIP vocabulary (a CLIP tokenizer needs " + START_TOKEN + " and " + END_TOKEN + ")");
        }
        return id;
    }

    private static JsonArray readMerges(Path file, Map<String, Integer> vocab) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new TokenizerException("cannot read merges " + file + ": " + e.getMessage(), e);
        }
        String[] lines = text.split("\n", -1);
        int last = Math.min(lines.length - 1, LAST_MERGE_LINE);
        JsonArray merges = new JsonArray();
        for (int line = 1; line <= last; line++) {
            String[] pair = lines[line].strip().split("\\s+");
            if (pair.length != 2 || pair[0].isEmpty()) {
                throw new TokenizerException("merges " + file + " line " + (line + 1) + ": expected two tokens "
                        + "separated by a space, found '" + lines[line].strip() + "'");
            }
            requireInVocab(pair[0], file, line, vocab);
            requireInVocab(pair[1], file, line, vocab);
            requireInVocab(pair[0] + pair[1], file, line, vocab);
            JsonArray merge = new JsonArray();
            merge.add(pair[0]);
            merge.add(pair[1]);
            merges.add(merge);
        }
        return merges;
    }

    private static void requireInVocab(String token, Path file, int line, Map<String, Integer> vocab) {
        if (!vocab.containsKey(token)) {
            throw new TokenizerException("merges " + file + " line " + (line + 1) + ": token '" + token
                    + "' is not in the vocabulary; vocab.json and merges.txt must come from the same tokenizer");
        }
    }

    private static JsonObject addedToken(int id, String content) {
        JsonObject token = new JsonObject();
        token.addProperty("id", id);
        token.addProperty("content", content);
        token.addProperty("single_word", false);
        token.addProperty("lstrip", false);
        token.addProperty("rstrip", false);
        token.addProperty("normalized", false);
        token.addProperty("special", true);
        return token;
    }

    private static JsonObject normalizer() {
        JsonObject replace = new JsonObject();
        replace.addProperty("type", "Replace");
        replace.add("pattern", regex("\\s+"));
        replace.addProperty("content", " ");
        JsonArray steps = new JsonArray();
        steps.add(typed("NFC"));
        steps.add(replace);
        steps.add(typed("Lowercase"));
        JsonObject sequence = typed("Sequence");
        sequence.add("normalizers", steps);
        return sequence;
    }

    private static JsonObject preTokenizer() {
        JsonObject split = typed("Split");
        split.add("pattern", regex(WORD_PATTERN));
        split.addProperty("behavior", "Removed");
        split.addProperty("invert", true);
        JsonArray steps = new JsonArray();
        steps.add(split);
        steps.add(byteLevel(false));
        JsonObject sequence = typed("Sequence");
        sequence.add("pretokenizers", steps);
        return sequence;
    }

    /** CLIPConverter uses RobertaProcessing to put the start and end tokens around byte-level tokens. */
    private static JsonObject postProcessor(int start, int end) {
        JsonObject roberta = typed("RobertaProcessing");
        roberta.add("sep", pair(END_TOKEN, end));
        roberta.add("cls", pair(START_TOKEN, start));
        roberta.addProperty("trim_offsets", false);
        roberta.addProperty("add_prefix_space", false);
        return roberta;
    }

    private static JsonObject byteLevel(boolean addPrefixSpace) {
        JsonObject byteLevel = typed("ByteLevel");
        byteLevel.addProperty("add_prefix_space", addPrefixSpace);
        byteLevel.addProperty("trim_offsets", true);
        byteLevel.addProperty("use_regex", true);
        return byteLevel;
    }

    private static JsonObject model(Map<String, Integer> vocab, JsonArray merges) {
        JsonObject model = typed("BPE");
        model.add("dropout", JsonNull.INSTANCE);
        model.addProperty("unk_token", END_TOKEN);
        model.addProperty("continuing_subword_prefix", "");
        model.addProperty("end_of_word_suffix", END_OF_WORD);
        model.addProperty("fuse_unk", false);
        model.addProperty("byte_fallback", false);
        JsonObject vocabJson = new JsonObject();
        vocab.forEach(vocabJson::addProperty);
        model.add("vocab", vocabJson);
        model.add("merges", merges);
        return model;
    }

    private static JsonArray pair(String token, int id) {
        JsonArray pair = new JsonArray();
        pair.add(token);
        pair.add(new JsonPrimitive(id));
        return pair;
    }

    private static JsonObject regex(String pattern) {
        JsonObject regex = new JsonObject();
        regex.addProperty("Regex", pattern);
        return regex;
    }

    private static JsonObject typed(String type) {
        JsonObject object = new JsonObject();
        object.addProperty("type", type);
        return object;
    }
}
