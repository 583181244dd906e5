package dev.tessera.conformance.runner.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.tessera.conformance.CaseOutcome;
import dev.tessera.conformance.Comparison;
import dev.tessera.conformance.ConformanceFamily;
import dev.tessera.conformance.PackContext;
import dev.tessera.tokenizers.TextTokenizer;
import dev.tessera.tokenizers.TokenEncoding;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * The pack's {@code tokenizers/cases/*.json}: for each tokenizer folder the file names ({@code tokenizers/<name>/
 * tokenizer.json}), each text's ids and tokens as the reference library produced them (special tokens added),
 * compared exactly through the tokenizers bundle. Two outputs per tokenizer, {@code ids[<tokenizer>]} and
 * {@code tokens[<tokenizer>]}: how many positions differ over all its texts (a length difference counts its extra
 * positions).
 */
@Component(service = ConformanceFamily.class)
public final class TokenizersFamily implements ConformanceFamily {

    @Override
    public String name() {
        return "tokenizers";
    }

    @Override
    public boolean handles(Path caseFile) {
        return caseFile.getFileName().toString().endsWith(".json");
    }

    @Override
    public CaseOutcome run(PackContext context, Path caseFile) {
        JsonObject cases;
        try {
            cases = JsonParser.parseString(Files.readString(caseFile)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(caseFile + ": cannot be read: " + e.getMessage(), e);
        } catch (JsonParseException | IllegalStateException e) {
            throw new IllegalArgumentException(caseFile + ": expected a JSON object {tokenizer: [{text, ids, tokens}]}: "
                    + e.getMessage(), e);
        }
        List<Comparison> comparisons = new ArrayList<>();
        for (Map.Entry<String, JsonElement> tokenizer : cases.entrySet()) {
            Path json = context.resolve("tokenizers/" + tokenizer.getKey() + "/tokenizer.json");
            if (!tokenizer.getValue().isJsonArray()) {
                throw new IllegalArgumentException(caseFile + ": '" + tokenizer.getKey() + "' is not a list of cases");
            }
            long idDiffer = 0;
            long tokenDiffer = 0;
            try (TextTokenizer loaded = TextTokenizer.fromTokenizerJson(json)) {
                int i = 0;
                for (JsonElement element : tokenizer.getValue().getAsJsonArray()) {
                    JsonObject c = element.getAsJsonObject();
                    String where = tokenizer.getKey() + "#" + i++;
                    TokenEncoding encoding = loaded.encode(required(c, "text", caseFile, where).getAsString());
                    JsonArray ids = required(c, "ids", caseFile, where).getAsJsonArray();
                    JsonArray tokens = required(c, "tokens", caseFile, where).getAsJsonArray();
                    long[] ours = encoding.ids();
                    List<String> ourTokens = encoding.tokens();
                    idDiffer += Math.abs(ours.length - ids.size());
                    tokenDiffer += Math.abs(ourTokens.size() - tokens.size());
                    for (int k = 0; k < Math.min(ours.length, ids.size()); k++) {
                        idDiffer += ours[k] == ids.get(k).getAsLong() ? 0 : 1;
                    }
                    for (int k = 0; k < Math.min(ourTokens.size(), tokens.size()); k++) {
                        tokenDiffer += ourTokens.get(k).equals(tokens.get(k).getAsString()) ? 0 : 1;
                    }
                }
            }
            comparisons.add(new Comparison("ids[" + tokenizer.getKey() + "]", Comparison.Kind.EXACT, idDiffer, 0));
            comparisons.add(new Comparison("tokens[" + tokenizer.getKey() + "]", Comparison.Kind.EXACT, tokenDiffer,
                    0));
        }
        if (comparisons.isEmpty()) {
            throw new IllegalArgumentException(caseFile + ": no tokenizer cases in it");
        }
        return CaseOutcome.of(comparisons);
    }

    private static JsonElement required(JsonObject c, String key, Path file, String where) {
        JsonElement value = c.get(key);
        if (value == null || value.isJsonNull()) {
            throw new IllegalArgumentException(file + ": case " + where + " has no '" + key + "'");
        }
        return value;
    }
}
