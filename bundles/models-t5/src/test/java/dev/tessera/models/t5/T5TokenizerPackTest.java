package dev.tessera.models.t5;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The pack's {@code bytelevel} tokenizer has T5's {@code <pad>} (0) and {@code </s>} (2) tokens, so it can stand in
 * for a T5 vocabulary: every reference encoding of {@code tokenizers/cases/encodings.json} (made by the Hugging Face
 * library, which puts {@code <s>} in front) must come out as its content ids, then {@code </s>}, then padding.
 */
class T5TokenizerPackTest {

    @Test
    void everyReferenceEncodingIsPaddedAndEndedAsDiffusersDoes() throws IOException {
        JsonArray cases = JsonParser.parseString(Files.readString(Pack.root().resolve(
                "tokenizers/cases/encodings.json"))).getAsJsonObject().getAsJsonArray("bytelevel");
        assertFalse(cases.isEmpty(), "the pack has bytelevel cases");
        try (T5Tokenizer tokenizer = T5Tokenizer.fromFolder(Pack.root().resolve("tokenizers/bytelevel"))) {
            assertEquals(2, tokenizer.eosTokenId());
            assertEquals(0, tokenizer.padTokenId());
            for (JsonElement element : cases) {
                String text = element.getAsJsonObject().get("text").getAsString();
                JsonArray ids = element.getAsJsonObject().getAsJsonArray("ids");
                assertEquals(1, ids.get(0).getAsLong(), "the reference starts with <s>: " + text);
                long[] content = new long[ids.size() - 1];
                for (int i = 1; i < ids.size(); i++) {
                    content[i - 1] = ids.get(i).getAsLong();
                }
                int length = content.length + 5;
                long[] expected = new long[length];
                System.arraycopy(content, 0, expected, 0, content.length);
                expected[content.length] = 2;
                T5Tokens tokens = tokenizer.encode(text, length);
                assertArrayEquals(expected, tokens.ids(0), text);
                long[] cut = tokenizer.encode(text, 4).ids(0);
                assertArrayEquals(new long[] {content[0], content[1], content[2], 2}, cut, text);
                assertEquals(content.length - 3, tokenizer.encode(text, 4).truncatedTokens(0), text);
                assertEquals(content.length + 1, Arrays.stream(tokens.attentionMask(0)).sum(), text);
            }
        }
    }
}
