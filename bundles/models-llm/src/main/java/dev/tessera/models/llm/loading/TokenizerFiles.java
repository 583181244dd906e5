package dev.tessera.models.llm.loading;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tessera.models.llm.ChatFormat;
import dev.tessera.models.llm.ChatTokenizer;
import dev.tessera.models.core.ModelLoadException;
import dev.tessera.tokenizers.TextTokenizer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model folder's tokenizer: {@code tokenizer.json} through the Hugging Face tokenizers binding, plus what
 * generation needs that the binding does not expose, read from the same files: each token's bytes (byte-level BPE
 * as in GPT-2/Llama 3/Qwen2, or SentencePiece-style {@code ▁} pieces with {@code <0xNN>} byte fallback as in
 * Llama 2), the chat template family and BOS of {@code tokenizer_config.json}, and the end-of-turn tokens
 * ({@code eos_token}, {@code generation_config.json}'s {@code eos_token_id}, and the usual end-of-turn strings).
 */
public final class TokenizerFiles {

    /** End-of-turn strings of the chat families, stop tokens whenever the vocabulary has them. */
    static final List<String> END_OF_TURN = List.of("<|im_end|>", "<|eot_id|>", "<|endoftext|>", "<|end_of_text|>",
            "</s>", "<｜end▁of▁sentence｜>");

    private TokenizerFiles() {}

    /** The tokenizer of {@code folder}; a clear error when it has no tokenizer.json. */
    public static ChatTokenizer read(Path folder) {
        Path file = folder.resolve(TextTokenizer.TOKENIZER_JSON);
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException(folder + ": no tokenizer.json (a language model folder needs the Hugging Face"
                    + " fast tokenizer file beside its config.json)");
        }
        JsonObject json = object(file);
        JsonObject config = Files.isRegularFile(folder.resolve("tokenizer_config.json"))
                ? object(folder.resolve("tokenizer_config.json")) : new JsonObject();
        Map<String, Integer> ids = new HashMap<>();
        Map<Integer, String> pieces = new HashMap<>();
        Set<Integer> special = new LinkedHashSet<>();
        JsonObject model = json.has("model") ? json.getAsJsonObject("model") : new JsonObject();
        JsonElement vocab = model.get("vocab");
        if (vocab != null && vocab.isJsonObject()) {
            vocab.getAsJsonObject().entrySet().forEach(e -> pieces.put(e.getValue().getAsInt(), e.getKey()));
        } else if (vocab != null && vocab.isJsonArray()) {
            JsonArray list = vocab.getAsJsonArray();
            for (int i = 0; i < list.size(); i++) {
                pieces.put(i, list.get(i).getAsJsonArray().get(0).getAsString());
            }
        } else {
            throw new ModelLoadException(file + ": key 'model.vocab' missing: not a BPE or Unigram tokenizer");
        }
        if (json.has("added_tokens") && json.get("added_tokens").isJsonArray()) {
            for (JsonElement added : json.getAsJsonArray("added_tokens")) {
                JsonObject token = added.getAsJsonObject();
                int id = token.get("id").getAsInt();
                pieces.put(id, token.get("content").getAsString());
                if (token.has("special") && token.get("special").getAsBoolean()) {
                    special.add(id);
                }
            }
        }
        pieces.forEach((id, piece) -> ids.putIfAbsent(piece, id));
        boolean byteLevel = String.valueOf(json.get("decoder")).contains("ByteLevel")
                || String.valueOf(json.get("pre_tokenizer")).contains("ByteLevel");
        Set<Integer> addedIds = new LinkedHashSet<>();
        if (json.has("added_tokens")) {
            json.getAsJsonArray("added_tokens").forEach(t -> addedIds.add(t.getAsJsonObject().get("id").getAsInt()));
        }
        int size = pieces.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        byte[][] bytes = new byte[size][];
        Map<Character, Integer> byteOf = byteLevel ? byteLevelDecoding() : null;
        for (Map.Entry<Integer, String> entry : pieces.entrySet()) {
            int id = entry.getKey();
            if (special.contains(id)) {
                continue;
            }
            String piece = entry.getValue();
            bytes[id] = addedIds.contains(id) ? piece.getBytes(StandardCharsets.UTF_8)
                    : byteLevel ? byteLevelBytes(piece, byteOf) : sentencePieceBytes(piece);
        }
        Set<Long> stops = new LinkedHashSet<>();
        String eos = tokenString(config, "eos_token");
        if (eos != null && ids.containsKey(eos)) {
            stops.add((long) ids.get(eos));
        }
        for (String turnEnd : END_OF_TURN) {
            if (ids.containsKey(turnEnd) && special.contains(ids.get(turnEnd))) {
                stops.add((long) ids.get(turnEnd));
            }
        }
        Path generation = folder.resolve("generation_config.json");
        if (Files.isRegularFile(generation)) {
            JsonElement eosIds = object(generation).get("eos_token_id");
            if (eosIds != null && eosIds.isJsonArray()) {
                eosIds.getAsJsonArray().forEach(e -> stops.add(e.getAsLong()));
            } else if (eosIds != null && eosIds.isJsonPrimitive()) {
                stops.add(eosIds.getAsLong());
            }
        }
        String template = config.has("chat_template") && config.get("chat_template").isJsonPrimitive()
                ? config.get("chat_template").getAsString() : null;
        String bos = tokenString(config, "bos_token");
        boolean addBos = config.has("add_bos_token") ? config.get("add_bos_token").getAsBoolean()
                : bos != null && template != null && template.contains("bos_token");
        TextTokenizer tokenizer = TextTokenizer.fromTokenizerJson(file);
        Map<Integer, String> specialText = new HashMap<>();
        special.forEach(id -> specialText.put(id, pieces.get(id)));
        return new ChatTokenizer(tokenizer, bytes, stops, ChatFormat.detect(template), addBos ? bos : null,
                specialText);
    }

    /** A special-token entry of tokenizer_config.json: a string, or an object with {@code content}. */
    private static String tokenString(JsonObject config, String key) {
        JsonElement value = config.get(key);
        if (value == null || value.isJsonNull()) {
            return null;
        }
        if (value.isJsonObject() && value.getAsJsonObject().has("content")) {
            return value.getAsJsonObject().get("content").getAsString();
        }
        return value.isJsonPrimitive() ? value.getAsString() : null;
    }

    /** GPT-2's bytes_to_unicode, inverted: the printable character standing for each byte. */
    static Map<Character, Integer> byteLevelDecoding() {
        Map<Character, Integer> map = new HashMap<>();
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map.put((char) (printable ? b : 256 + extra++), b);
        }
        return map;
    }

    static byte[] byteLevelBytes(String piece, Map<Character, Integer> byteOf) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(piece.length());
        for (int i = 0; i < piece.length(); i++) {
            Integer b = byteOf.get(piece.charAt(i));
            if (b == null) {
                return piece.getBytes(StandardCharsets.UTF_8); // not byte-level text: taken literally
            }
            out.write(b);
        }
        return out.toByteArray();
    }

    /** {@code <0xNN>} is byte NN; otherwise the piece's UTF-8 with {@code ▁} standing for a space. */
    static byte[] sentencePieceBytes(String piece) {
        if (piece.length() == 6 && piece.startsWith("<0x") && piece.endsWith(">")) {
            try {
                return new byte[] {(byte) Integer.parseInt(piece.substring(3, 5), 16)};
            } catch (NumberFormatException e) {
                // an ordinary piece that looks like one
            }
        }
        return piece.replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8);
    }

    private static JsonObject object(Path file) {
        try {
            JsonElement parsed = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
            if (!parsed.isJsonObject()) {
                throw new ModelLoadException(file + ": expected a JSON object");
            }
            return parsed.getAsJsonObject();
        } catch (IOException | RuntimeException e) {
            if (e instanceof ModelLoadException m) {
                throw m;
            }
            throw new ModelLoadException(file + ": cannot read: " + e.getMessage(), e);
        }
    }
}
