package dev.tessera.training;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A CLIP-style BPE tokenizer ({@code tokenizer.json} in Hugging Face's format, as OpenAI's CLIP tokenizer ships:
 * NFC, whitespace folding and lower-casing, CLIP's split pattern, {@code </w>} word ends, start and end tokens)
 * whose vocabulary covers a corpus: every printable ASCII character with and without {@code </w>}, then merges
 * that spell each corpus word, most frequent words first. A small model trained on that corpus needs no 49408-row
 * embedding table; any other text still tokenizes (down to characters, or the end token for anything else).
 *
 * <p>The start and end tokens take the two highest ids, as in CLIP, so that transformers' legacy pooling (the
 * argmax of the ids) finds the end token.
 */
public final class ClipTokenizerBuilder {

    public static final String START = "<|startoftext|>";
    public static final String END = "<|endoftext|>";
    /** CLIP's pre-tokenizer pattern (the one OpenAI's tokenizer and the pack's clip-style tokenizer use). */
    private static final String SPLIT = "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+"
            + "|[\\p{N}]|[^\\s\\p{L}\\p{N}]+";
    private static final Pattern WORDS = Pattern.compile("'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+");

    private ClipTokenizerBuilder() {}

    /** The tokenizer.json text for {@code corpus}. */
    public static String build(Collection<String> corpus) {
        Map<String, Integer> frequency = new TreeMap<>();
        for (String text : corpus) {
            Matcher m = WORDS.matcher(text.toLowerCase(Locale.ROOT).replaceAll("\\s+", " "));
            while (m.find()) {
                frequency.merge(m.group(), 1, Integer::sum);
            }
        }
        List<String> words = new ArrayList<>(frequency.keySet());
        words.sort((a, b) -> frequency.get(b) - frequency.get(a) != 0 ? frequency.get(b) - frequency.get(a)
                : a.compareTo(b));
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (char c = '!'; c <= '~'; c++) {
            vocab.putIfAbsent(String.valueOf(Character.toLowerCase(c)), vocab.size());
        }
        for (char c = '!'; c <= '~'; c++) {
            vocab.putIfAbsent(Character.toLowerCase(c) + "</w>", vocab.size());
        }
        Set<List<String>> merges = new LinkedHashSet<>();
        for (String word : words) {
            List<String> symbols = new ArrayList<>();
            for (int i = 0; i < word.length(); i++) {
                String symbol = String.valueOf(word.charAt(i)) + (i == word.length() - 1 ? "</w>" : "");
                if (!vocab.containsKey(symbol)) {
                    symbols = null; // outside printable ASCII: left to the end token
                    break;
                }
                symbols.add(symbol);
            }
            if (symbols == null || symbols.size() < 2) {
                continue;
            }
            String joined = symbols.get(0);
            for (int i = 1; i < symbols.size(); i++) {
                merges.add(List.of(joined, symbols.get(i)));
                joined = joined + symbols.get(i);
                vocab.putIfAbsent(joined, vocab.size());
            }
        }
        vocab.put(START, vocab.size());
        vocab.put(END, vocab.size());

        JsonObject root = new JsonObject();
        root.addProperty("version", "1.0");
        root.add("truncation", null);
        root.add("padding", null);
        JsonArray added = new JsonArray();
        added.add(special(vocab.get(START), START));
        added.add(special(vocab.get(END), END));
        root.add("added_tokens", added);
        JsonObject normalizer = new JsonObject();
        normalizer.addProperty("type", "Sequence");
        JsonArray normalizers = new JsonArray();
        normalizers.add(object("type", "NFC"));
        JsonObject replace = object("type", "Replace");
        replace.add("pattern", object("String", "\\s+"));
        replace.addProperty("content", " ");
        normalizers.add(replace);
        normalizers.add(object("type", "Lowercase"));
        normalizer.add("normalizers", normalizers);
        root.add("normalizer", normalizer);
        JsonObject split = object("type", "Split");
        split.add("pattern", object("Regex", SPLIT));
        split.addProperty("behavior", "Removed");
        split.addProperty("invert", true);
        root.add("pre_tokenizer", split);
        JsonObject post = object("type", "TemplateProcessing");
        JsonArray single = new JsonArray();
        single.add(specialRef(START));
        JsonObject sequence = new JsonObject();
        JsonObject a = new JsonObject();
        a.addProperty("id", "A");
        a.addProperty("type_id", 0);
        sequence.add("Sequence", a);
        single.add(sequence);
        single.add(specialRef(END));
        post.add("single", single);
        JsonArray pair = new JsonArray();
        pair.add(sequence);
        JsonObject sequenceB = new JsonObject();
        JsonObject b = new JsonObject();
        b.addProperty("id", "B");
        b.addProperty("type_id", 1);
        sequenceB.add("Sequence", b);
        pair.add(sequenceB);
        post.add("pair", pair);
        JsonObject specials = new JsonObject();
        for (String token : List.of(END, START)) {
            JsonObject entry = new JsonObject();
            entry.addProperty("id", token);
            JsonArray ids = new JsonArray();
            ids.add(vocab.get(token));
            entry.add("ids", ids);
            JsonArray tokens = new JsonArray();
            tokens.add(token);
            entry.add("tokens", tokens);
            specials.add(token, entry);
        }
        post.add("special_tokens", specials);
        root.add("post_processor", post);
        JsonObject decoder = object("type", "BPEDecoder");
        decoder.addProperty("suffix", "</w>");
        root.add("decoder", decoder);
        JsonObject model = object("type", "BPE");
        model.add("dropout", null);
        model.addProperty("unk_token", END);
        model.add("continuing_subword_prefix", null);
        model.addProperty("end_of_word_suffix", "</w>");
        model.addProperty("fuse_unk", false);
        model.addProperty("byte_fallback", false);
        model.addProperty("ignore_merges", false);
        JsonObject vocabJson = new JsonObject();
        vocab.forEach(vocabJson::addProperty);
        model.add("vocab", vocabJson);
        JsonArray mergesJson = new JsonArray();
        for (List<String> merge : merges) {
            JsonArray m = new JsonArray();
            m.add(merge.get(0));
            m.add(merge.get(1));
            mergesJson.add(m);
        }
        model.add("merges", mergesJson);
        root.add("model", model);
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create().toJson(root);
    }

    private static JsonObject special(int id, String content) {
        JsonObject o = new JsonObject();
        o.addProperty("id", id);
        o.addProperty("content", content);
        o.addProperty("single_word", false);
        o.addProperty("lstrip", false);
        o.addProperty("rstrip", false);
        o.addProperty("normalized", false);
        o.addProperty("special", true);
        return o;
    }

    private static JsonObject specialRef(String token) {
        JsonObject inner = new JsonObject();
        inner.addProperty("id", token);
        inner.addProperty("type_id", 0);
        JsonObject o = new JsonObject();
        o.add("SpecialToken", inner);
        return o;
    }

    private static JsonObject object(String key, String value) {
        JsonObject o = new JsonObject();
        o.addProperty(key, value);
        return o;
    }
}
