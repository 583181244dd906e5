package dev.tessera.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.tokenizers.ClipTokenizer;
import dev.tessera.tokenizers.TextTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built tokenizer, read back by the tokenizers bundle (Hugging Face's library) as a checkpoint's would be. */
class ClipTokenizerBuilderTest {

    @Test
    void corpusWordsAreSingleTokensAndStartAndEndTakeTheHighestIds(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("tokenizer.json"), ClipTokenizerBuilder.build(List.of(
                "a red circle, a blue square and a yellow triangle", "a purple star", "a cyan circle")));
        try (TextTokenizer tokenizer = TextTokenizer.fromFolder(dir)) {
            ClipTokenizer clip = ClipTokenizer.sd1(tokenizer);
            assertEquals(clip.endToken(), clip.startToken() + 1, "start and end are the last two ids");
            // start, a, red, circle, ",", a, blue, square, and, a, yellow, triangle, end
            long[] ids = new CaptionTokens(clip).ids("A red circle, a blue square and a yellow triangle");
            assertEquals(77, ids.length);
            assertEquals(clip.startToken(), ids[0]);
            assertEquals(clip.endToken(), ids[12]);
            for (int i = 12; i < 77; i++) {
                assertEquals(clip.endToken(), ids[i], "padded with the end token at " + i);
            }
            assertEquals(ids[1], ids[5], "'a' is one token wherever it stands");
            assertEquals(List.of("<|startoftext|>", "a</w>", "purple</w>", "star</w>", "<|endoftext|>"),
                    tokenizer.encode("a purple star").tokens());
            // A word outside the corpus still tokenizes, into pieces.
            List<String> unknown = tokenizer.encode("a green hexagon").tokens();
            assertTrue(unknown.size() > 5, unknown.toString());
            long[] empty = new CaptionTokens(clip).ids("");
            assertArrayEquals(new long[] {clip.startToken(), clip.endToken()}, new long[] {empty[0], empty[1]});
        }
    }
}
