package dev.tessera.tokenizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every case of {@code tokenizers/cases/encodings.json}: the ids and tokens the reference library produced, for
 * each tokenizer folder the file names. Cases are discovered from the file, so another pack with the same layout
 * runs unchanged.
 */
class ConformancePackEncodingsTest {

    @TempDir
    Path temp;

    @TestFactory
    Stream<DynamicTest> everyCaseFromTokenizerJson() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, JsonElement> tokenizer : cases().entrySet()) {
            Path json = ConformancePack.tokenizers().resolve(tokenizer.getKey()).resolve("tokenizer.json");
            for (JsonElement c : tokenizer.getValue().getAsJsonArray()) {
                JsonObject expected = c.getAsJsonObject();
                tests.add(DynamicTest.dynamicTest(tokenizer.getKey() + ": " + expected.get("text").getAsString(),
                        () -> {
                            try (TextTokenizer loaded = TextTokenizer.fromTokenizerJson(json)) {
                                assertMatches(expected, loaded.encode(expected.get("text").getAsString()));
                            }
                        }));
            }
        }
        assertTrue(tests.size() >= 8, "expected the pack's 8 cases or more, found " + tests.size());
        return tests.stream();
    }

    /**
     * The pack's CLIP-style vocabulary and merges written as a slow tokenizer's {@code vocab.json} and
     * {@code merges.txt}, loaded through the CLIP conversion, give the reference encodings too: its tokens are
     * printable ASCII, which byte-level encoding leaves as they are.
     */
    @TestFactory
    Stream<DynamicTest> clipStyleCasesFromVocabAndMerges() throws IOException {
        JsonObject model = JsonParser.parseString(Files.readString(ConformancePack.clipStyleJson()))
                .getAsJsonObject().getAsJsonObject("model");
        Path vocab = temp.resolve("vocab.json");
        Files.writeString(vocab, model.getAsJsonObject("vocab").toString(), StandardCharsets.UTF_8);
        StringBuilder merges = new StringBuilder("#version: 0.2\n");
        for (JsonElement merge : model.getAsJsonArray("merges")) {
            JsonArray pair = merge.getAsJsonArray();
            merges.append(pair.get(0).getAsString()).append(' ').append(pair.get(1).getAsString()).append('\n');
        }
        Path mergesFile = temp.resolve("merges.txt");
        Files.writeString(mergesFile, merges, StandardCharsets.UTF_8);

        JsonArray clipCases = cases().getAsJsonArray("clip-style");
        assertFalse(clipCases.isEmpty(), "the pack has no clip-style cases");
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonElement c : clipCases) {
            JsonObject expected = c.getAsJsonObject();
            tests.add(DynamicTest.dynamicTest("vocab+merges: " + expected.get("text").getAsString(), () -> {
                try (TextTokenizer loaded = TextTokenizer.fromClipVocabAndMerges(vocab, mergesFile)) {
                    assertMatches(expected, loaded.encode(expected.get("text").getAsString()));
                }
            }));
        }
        return tests.stream();
    }

    private static JsonObject cases() throws IOException {
        Path file = ConformancePack.tokenizers().resolve("cases").resolve("encodings.json");
        return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
    }

    private static void assertMatches(JsonObject expected, TokenEncoding actual) {
        JsonArray ids = expected.getAsJsonArray("ids");
        long[] expectedIds = new long[ids.size()];
        for (int i = 0; i < expectedIds.length; i++) {
            expectedIds[i] = ids.get(i).getAsLong();
        }
        List<String> expectedTokens = new ArrayList<>();
        expected.getAsJsonArray("tokens").forEach(t -> expectedTokens.add(t.getAsString()));
        assertArrayEquals(expectedIds, actual.ids(), "ids of " + expected.get("text"));
        assertEquals(expectedTokens, actual.tokens(), "tokens of " + expected.get("text"));
    }
}
