package dev.tessera.sd.nodes.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.tessera.testing.ConformancePack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The SD1.x-specific layouts of the pack's tiny model (a diffusers folder, a slow tokenizer's files); the host's
 * services and the single-file layout come from node-testing ({@link ConformancePack} and its neighbours).
 */
public final class Fixtures {

    private Fixtures() {}

    /** A CLIP-style tokenizer.json written as a slow tokenizer's vocab.json and merges.txt in {@code folder}. */
    public static void writeVocabAndMerges(Path tokenizerJson, Path folder) {
        try {
            JsonObject model = JsonParser.parseString(Files.readString(tokenizerJson))
                    .getAsJsonObject().getAsJsonObject("model");
            Files.createDirectories(folder);
            Files.writeString(folder.resolve("vocab.json"), model.getAsJsonObject("vocab").toString());
            StringBuilder merges = new StringBuilder("#version: 0.2\n");
            for (JsonElement merge : model.getAsJsonArray("merges")) {
                if (merge.isJsonArray()) {
                    merges.append(merge.getAsJsonArray().get(0).getAsString()).append(' ')
                            .append(merge.getAsJsonArray().get(1).getAsString());
                } else {
                    merges.append(merge.getAsString());
                }
                merges.append('\n');
            }
            Files.writeString(folder.resolve("merges.txt"), merges);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The pack's tiny SD1.x diffusers folder as a user lays it out under {@code models/diffusers/<name>/}: its
     * components, a {@code model_index.json}, and the pack's CLIP-style tokenizer as {@code tokenizer/vocab.json}
     * + {@code merges.txt}.
     */
    public static Path tinyDiffusers(Path models, String name) {
        Path folder = models.resolve("diffusers").resolve(name);
        Path source = ConformancePack.dir().resolve("sd15/diffusers");
        try (var walk = Files.walk(source)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                ConformancePack.copy(f, folder.resolve(source.relativize(f).toString()));
            }
            Files.writeString(folder.resolve("model_index.json"),
                    "{\"_class_name\": \"StableDiffusionPipeline\", \"_diffusers_version\": \"0.40.0\"}");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        writeVocabAndMerges(ConformancePack.dir().resolve("tokenizers/clip-style/tokenizer.json"),
                folder.resolve("tokenizer"));
        return folder;
    }
}
