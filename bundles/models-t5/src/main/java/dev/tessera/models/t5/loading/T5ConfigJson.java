package dev.tessera.models.t5.loading;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.tessera.models.sd.ModelLoadException;
import dev.tessera.models.t5.T5Config;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A transformers T5 {@code config.json} to a {@link T5Config}; errors name the file and the key. */
final class T5ConfigJson {

    private final Path file;
    private final JsonObject json;

    private T5ConfigJson(Path file, JsonObject json) {
        this.file = file;
        this.json = json;
    }

    static T5Config read(Path file) {
        JsonElement parsed;
        try {
            parsed = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ModelLoadException(file + ": cannot read: " + e.getMessage(), e);
        } catch (JsonParseException e) {
            throw new ModelLoadException(file + ": not valid JSON: " + e.getMessage(), e);
        }
        if (!parsed.isJsonObject()) {
            throw new ModelLoadException(file + ": expected a JSON object");
        }
        return new T5ConfigJson(file, parsed.getAsJsonObject()).config();
    }

    private T5Config config() {
        String type = string("model_type", "t5");
        if (!type.equals("t5")) {
            throw error("model_type", "'" + type + "' is not supported (expected t5; umt5 and mt5 differ in where"
                    + " relative position biases live)");
        }
        // transformers derives the activation from feed_forward_proj ("gated-gelu" means gelu_new, gated).
        String projection = string("feed_forward_proj", "relu");
        String[] parts = projection.split("-");
        boolean gated = parts[0].equals("gated");
        if (parts.length > 2 || (parts.length == 2 && !gated)) {
            throw error("feed_forward_proj", "'" + projection + "' is not of the form ACT or gated-ACT");
        }
        String activation = projection.equals("gated-gelu") ? "gelu_new" : parts[parts.length - 1];
        if (json.has("is_decoder") && json.get("is_decoder").getAsBoolean()) {
            throw error("is_decoder", "true: this is a T5 decoder, expected the encoder");
        }
        try {
            return new T5Config(
                    integer("vocab_size", 32128),
                    integer("d_model", 512),
                    integer("d_kv", 64),
                    integer("d_ff", 2048),
                    integer("num_layers", 6),
                    integer("num_heads", 8),
                    integer("relative_attention_num_buckets", 32),
                    integer("relative_attention_max_distance", 128),
                    number("layer_norm_epsilon", 1e-6f),
                    activation,
                    gated);
        } catch (ModelLoadException e) {
            throw new ModelLoadException(file + ": " + e.getMessage(), e);
        }
    }

    private String string(String key, String fallback) {
        if (!json.has(key) || json.get(key).isJsonNull()) {
            return fallback;
        }
        JsonElement value = json.get(key);
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
            throw error(key, "expected a string, found " + value);
        }
        return value.getAsString();
    }

    private int integer(String key, int fallback) {
        if (!json.has(key) || json.get(key).isJsonNull()) {
            return fallback;
        }
        JsonElement value = json.get(key);
        try {
            double number = value.getAsDouble();
            if (number != Math.rint(number)) {
                throw error(key, "expected an integer, found " + value);
            }
            return (int) number;
        } catch (UnsupportedOperationException | NumberFormatException | IllegalStateException e) {
            throw error(key, "expected an integer, found " + value);
        }
    }

    private float number(String key, float fallback) {
        if (!json.has(key) || json.get(key).isJsonNull()) {
            return fallback;
        }
        try {
            return json.get(key).getAsFloat();
        } catch (UnsupportedOperationException | NumberFormatException | IllegalStateException e) {
            throw error(key, "expected a number, found " + json.get(key));
        }
    }

    private ModelLoadException error(String key, String problem) {
        return new ModelLoadException(file + ": key '" + key + "': " + problem);
    }
}
