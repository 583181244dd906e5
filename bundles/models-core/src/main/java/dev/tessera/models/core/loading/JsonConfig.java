package dev.tessera.models.core.loading;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.tessera.models.core.ModelLoadException;
import dev.tessera.tensor.safetensors.JsonErrors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A JSON object read from a file (a diffusers config.json, an architecture file, a shard index), with typed getters
 * whose errors name the file and the key. Public for the loaders of other model bundles (models-dit) that read the
 * same kinds of files.
 */
public final class JsonConfig {

    private final String where;
    private final JsonObject json;

    JsonConfig(String where, JsonObject json) {
        this.where = where;
        this.json = json;
    }

    public static JsonConfig read(Path file) {
        try {
            JsonElement parsed = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
            if (!parsed.isJsonObject()) {
                throw new ModelLoadException(file + ": expected a JSON object");
            }
            return new JsonConfig(file.toString(), parsed.getAsJsonObject());
        } catch (IOException e) {
            throw new ModelLoadException(file + ": cannot read: " + e.getMessage(), e);
        } catch (JsonParseException e) {
            throw new ModelLoadException(file + ": not valid JSON: " + JsonErrors.describe(e), e);
        }
    }

    public String where() {
        return where;
    }

    public boolean has(String key) {
        return json.has(key) && !json.get(key).isJsonNull();
    }

    /** The nested object {@code key}, or null if absent. */
    public JsonConfig section(String key) {
        if (!has(key)) {
            return null;
        }
        if (!json.get(key).isJsonObject()) {
            throw error(key, "expected an object");
        }
        return new JsonConfig(where + " [" + key + "]", json.getAsJsonObject(key));
    }

    public int integer(String key) {
        if (!has(key)) {
            throw error(key, "missing");
        }
        return asInt(key, json.get(key));
    }

    public int integer(String key, int fallback) {
        return has(key) ? asInt(key, json.get(key)) : fallback;
    }

    public float number(String key, float fallback) {
        if (!has(key)) {
            return fallback;
        }
        try {
            return json.get(key).getAsFloat();
        } catch (RuntimeException e) {
            throw error(key, "expected a number, found " + json.get(key));
        }
    }

    public boolean bool(String key, boolean fallback) {
        if (!has(key)) {
            return fallback;
        }
        JsonElement value = json.get(key);
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isBoolean()) {
            throw error(key, "expected true or false, found " + value);
        }
        return value.getAsBoolean();
    }

    public String string(String key, String fallback) {
        if (!has(key)) {
            return fallback;
        }
        JsonElement value = json.get(key);
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
            throw error(key, "expected a string, found " + value);
        }
        return value.getAsString();
    }

    /** An integer list; a single integer stands for {@code count} copies of itself. */
    public List<Integer> integers(String key, int count) {
        if (!has(key)) {
            throw error(key, "missing");
        }
        JsonElement value = json.get(key);
        if (value.isJsonArray()) {
            List<Integer> list = new ArrayList<>();
            for (JsonElement item : value.getAsJsonArray()) {
                list.add(asInt(key, item));
            }
            return list;
        }
        return Collections.nCopies(count, asInt(key, value));
    }

    public List<Integer> integers(String key) {
        if (!has(key) || !json.get(key).isJsonArray()) {
            throw error(key, has(key) ? "expected a list of integers" : "missing");
        }
        return integers(key, 0);
    }

    public List<String> strings(String key) {
        if (!has(key) || !json.get(key).isJsonArray()) {
            throw error(key, has(key) ? "expected a list of strings" : "missing");
        }
        List<String> list = new ArrayList<>();
        JsonArray array = json.getAsJsonArray(key);
        for (JsonElement item : array) {
            if (!item.isJsonPrimitive() || !item.getAsJsonPrimitive().isString()) {
                throw error(key, "expected strings, found " + item);
            }
            list.add(item.getAsString());
        }
        return list;
    }

    /** Refuses a feature this implementation lacks: {@code key} must be absent, null or {@code allowed}. */
    public void requireUnset(String key, Object allowed, String feature) {
        if (!has(key)) {
            return;
        }
        JsonElement value = json.get(key);
        if (allowed != null && value.isJsonPrimitive()) {
            boolean same = allowed instanceof Number number && value.getAsJsonPrimitive().isNumber()
                    ? value.getAsDouble() == number.doubleValue()
                    : value.getAsString().equals(String.valueOf(allowed));
            if (same) {
                return;
            }
        }
        throw error(key, value + " is not supported (" + feature + ")");
    }

    public ModelLoadException error(String key, String problem) {
        return new ModelLoadException(where + ": key '" + key + "': " + problem);
    }

    private int asInt(String key, JsonElement value) {
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

    public double real(String key, double fallback) {
        if (!has(key)) {
            return fallback;
        }
        try {
            return json.get(key).getAsDouble();
        } catch (RuntimeException e) {
            throw error(key, "expected a number, found " + json.get(key));
        }
    }

    /** The names of the keys present. */
    public Set<String> keys() {
        return json.keySet();
    }

    /** The string-to-string object {@code key} (a shard index's weight_map). */
    public Map<String, String> stringMap(String key) {
        if (!has(key) || !json.get(key).isJsonObject()) {
            throw error(key, has(key) ? "expected an object of strings" : "missing");
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : json.getAsJsonObject(key).entrySet()) {
            if (!e.getValue().isJsonPrimitive() || !e.getValue().getAsJsonPrimitive().isString()) {
                throw error(key, "entry '" + e.getKey() + "' is not a string");
            }
            map.put(e.getKey(), e.getValue().getAsString());
        }
        return map;
    }
}
