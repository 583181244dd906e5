package dev.tessera.models.core.loading;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.tessera.models.core.ModelLoadException;
import dev.tessera.tensor.safetensors.JsonErrors;
import dev.tessera.tensor.safetensors.SafetensorsException;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The weight files of a transformers-layout model folder ({@code model.safetensors}, a variant such as
 * {@code model.fp16.safetensors}, or the shards of {@code model.safetensors.index.json}), shared by the loaders of
 * transformers models (models-t5, models-llm). Safetensors only: pickle files are refused with a message.
 */
public final class TransformersFolder {

    public static final String INDEX = "model.safetensors.index.json";

    private TransformersFolder() {}

    /** The safetensors files of a folder: the shards of its index, else model.safetensors, else a variant. */
    public static List<Path> weightFiles(Path dir) {
        Path index = dir.resolve(INDEX);
        if (Files.isRegularFile(index)) {
            return shards(index);
        }
        Path plain = dir.resolve("model.safetensors");
        if (Files.isRegularFile(plain)) {
            return List.of(plain);
        }
        try (Stream<Path> entries = Files.list(dir)) {
            List<String> names = entries.map(p -> p.getFileName().toString()).sorted().toList();
            for (String name : names) {
                if (name.startsWith("model.") && name.endsWith(".safetensors")) {
                    return List.of(dir.resolve(name));
                }
            }
            if (names.stream().anyMatch(n -> n.endsWith(".bin") || n.endsWith(".ckpt") || n.endsWith(".pt"))) {
                throw new ModelLoadException(dir + ": only pickle weights (" + names + "); pickle files are never"
                        + " loaded, convert them to safetensors");
            }
            throw new ModelLoadException(dir + ": no model.safetensors and no " + INDEX + " (found " + names + ")");
        } catch (IOException e) {
            throw new ModelLoadException(dir + ": cannot list: " + e.getMessage(), e);
        }
    }

    public static List<Path> shards(Path index) {
        JsonObject map;
        try {
            JsonElement parsed = JsonParser.parseString(Files.readString(index, StandardCharsets.UTF_8));
            if (!parsed.isJsonObject() || !parsed.getAsJsonObject().has("weight_map")
                    || !parsed.getAsJsonObject().get("weight_map").isJsonObject()) {
                throw new ModelLoadException(index + ": expected an object with a 'weight_map' object");
            }
            map = parsed.getAsJsonObject().getAsJsonObject("weight_map");
        } catch (IOException e) {
            throw new ModelLoadException(index + ": cannot read: " + e.getMessage(), e);
        } catch (JsonParseException e) {
            throw new ModelLoadException(index + ": not valid JSON: " + JsonErrors.describe(e), e);
        }
        TreeSet<String> names = new TreeSet<>();
        for (Map.Entry<String, JsonElement> entry : map.entrySet()) {
            String file = entry.getValue().getAsString();
            if (file.contains("/") || file.contains("\\") || !file.endsWith(".safetensors")) {
                throw new ModelLoadException(index + ": key 'weight_map." + entry.getKey() + "': '" + file
                        + "' is not a safetensors file beside the index");
            }
            names.add(file);
        }
        List<Path> shards = new ArrayList<>();
        for (String name : names) {
            Path shard = index.resolveSibling(name);
            if (!Files.isRegularFile(shard)) {
                throw new ModelLoadException(index + ": lists shard " + name + ", which does not exist");
            }
            shards.add(shard);
        }
        return shards;
    }

    public static SafetensorsFile openFile(Path file) {
        try {
            return SafetensorsFile.open(file);
        } catch (SafetensorsException e) {
            throw new ModelLoadException(e.getMessage(), e);
        }
    }

    public static void refusePickle(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".ckpt") || name.endsWith(".pt") || name.endsWith(".pth") || name.endsWith(".bin")) {
            throw new ModelLoadException(file + ": pickle checkpoints are never loaded; use a .safetensors file");
        }
    }

    /**
     * The one prefix in front of {@code marker} among {@code names} (empty, or ending with a dot): where a model's
     * tensors start in a file that may hold others ({@code text_encoders.t5xxl.transformer.}, Janus-Pro's
     * {@code language_model.}).
     *
     * @param what the model, for messages ("T5 encoder")
     */
    public static String prefixBefore(Path where, java.util.Collection<String> names, String marker, String what) {
        List<String> prefixes = names.stream().filter(n -> n.endsWith(marker))
                .map(n -> n.substring(0, n.length() - marker.length()))
                .filter(p -> p.isEmpty() || p.endsWith(".")).toList();
        if (prefixes.size() != 1) {
            throw new ModelLoadException(where + ": " + (prefixes.isEmpty() ? "no '" + marker + "' tensor: not a "
                    + what + " (first tensor: '" + names.stream().findFirst().orElse("none") + "')"
                    : "several " + what + "s (prefixes " + prefixes + "); expected one"));
        }
        return prefixes.get(0);
    }
}
