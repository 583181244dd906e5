package dev.tessera.tokenizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading tokenizers from files and folders, offsets, and the errors for missing or inconsistent files. */
class TextTokenizerTest {

    @TempDir
    Path temp;

    /** A tiny byte-level CLIP vocabulary: letters a-e, their end-of-word forms, two merges, the special tokens. */
    private Path tinyClipFolder() throws IOException {
        Path folder = temp.resolve("tokenizer");
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("vocab.json"), """
                {"a": 0, "b": 1, "c": 2, "d": 3, "e": 4,
                 "a</w>": 5, "b</w>": 6, "c</w>": 7, "d</w>": 8, "e</w>": 9,
                 "ab": 10, "abc</w>": 11,
                 "<|startoftext|>": 12, "<|endoftext|>": 13}
                """, StandardCharsets.UTF_8);
        Files.writeString(folder.resolve("merges.txt"), "#version: 0.2\na b\nab c</w>\n", StandardCharsets.UTF_8);
        return folder;
    }

    @Test
    void clipVocabAndMergesApplyMergesByRankWithEndOfWordSuffix() throws IOException {
        try (TextTokenizer tokenizer = TextTokenizer.fromFolder(tinyClipFolder())) {
            // "ABC" lowercases to abc: a+b -> ab (rank 0), ab+c</w> -> abc</w> (rank 1). "de": no merge applies.
            TokenEncoding encoding = tokenizer.encode("ABC de");
            assertEquals(List.of("<|startoftext|>", "abc</w>", "d", "e</w>", "<|endoftext|>"), encoding.tokens());
            assertArrayEquals(new long[] {12, 11, 3, 9, 13}, encoding.ids());
            // Without special tokens the start and end tokens are left out.
            assertArrayEquals(new long[] {11, 3, 9}, tokenizer.encode("ABC de", false).ids());
        }
    }

    @Test
    void offsetsAreUtf16IndicesIntoTheText() throws IOException {
        try (TextTokenizer tokenizer = TextTokenizer.fromTokenizerJson(ConformancePack.clipStyleJson())) {
            TokenEncoding encoding = tokenizer.encode("a red apple");
            assertEquals(List.of(new TokenSpan(0, 0), new TokenSpan(0, 1), new TokenSpan(2, 5),
                    new TokenSpan(6, 11), new TokenSpan(0, 0)), encoding.offsets());
            // U+1F600 takes two UTF-16 units: "red" starts at index 3, not at code point 2.
            TokenEncoding emoji = tokenizer.encode("\uD83D\uDE00 red");
            int red = emoji.tokens().indexOf("red</w>");
            assertEquals(new TokenSpan(3, 6), emoji.offsets().get(red), emoji.toString());
        }
    }

    @Test
    void aFolderWithTokenizerJsonUsesIt() throws IOException {
        Path folder = tinyClipFolder();
        Files.copy(ConformancePack.clipStyleJson(), folder.resolve("tokenizer.json"));
        try (TextTokenizer tokenizer = TextTokenizer.fromFolder(folder)) {
            // The pack's tokenizer has start 0 and end 1; the tiny vocabulary beside it has 12 and 13.
            assertArrayEquals(new long[] {0, 61, 1}, tokenizer.encode("a").ids());
            assertTrue(tokenizer.source().endsWith("tokenizer.json"), tokenizer.source());
        }
    }

    @Test
    void theFirstFolderWithATokenizerWins() throws IOException {
        Path empty = Files.createDirectories(temp.resolve("empty"));
        try (TextTokenizer tokenizer = TextTokenizer.fromFirstFolder(List.of(empty, tinyClipFolder()))) {
            assertArrayEquals(new long[] {12, 13}, tokenizer.encode("").ids());
        }
    }

    @Test
    void noTokenizerAnywhereNamesEveryFolderLookedIn() throws IOException {
        Path empty = Files.createDirectories(temp.resolve("empty"));
        Path missing = temp.resolve("models").resolve("tokenizers").resolve("clip_l");
        Files.writeString(empty.resolve("vocab.json"), "{}");
        TokenizerException error = assertThrows(TokenizerException.class,
                () -> TextTokenizer.fromFirstFolder(List.of(empty, missing)));
        assertTrue(error.getMessage().contains(empty.toAbsolutePath().toString()), error.getMessage());
        assertTrue(error.getMessage().contains(missing.toAbsolutePath() + " (no such folder)"), error.getMessage());
        assertTrue(error.getMessage().contains("tokenizer.json, or vocab.json and merges.txt"), error.getMessage());
    }

    @Test
    void aMergeOutsideTheVocabularyNamesFileAndLine() throws IOException {
        Path folder = tinyClipFolder();
        Files.writeString(folder.resolve("merges.txt"), "#version: 0.2\na b\nd e</w>\n");
        TokenizerException error = assertThrows(TokenizerException.class, () -> TextTokenizer.fromFolder(folder));
        assertTrue(error.getMessage().contains("merges.txt line 3"), error.getMessage());
        assertTrue(error.getMessage().contains("'de</w>' is not in the vocabulary"), error.getMessage());
    }

    @Test
    void aMalformedMergeLineIsNamed() throws IOException {
        Path folder = tinyClipFolder();
        Files.writeString(folder.resolve("merges.txt"), "#version: 0.2\na b c\n");
        TokenizerException error = assertThrows(TokenizerException.class, () -> TextTokenizer.fromFolder(folder));
        assertTrue(error.getMessage().contains("merges.txt line 2: expected two tokens"), error.getMessage());
    }

    @Test
    void aVocabularyWithoutClipSpecialTokensIsRefused() throws IOException {
        Path folder = tinyClipFolder();
        Files.writeString(folder.resolve("vocab.json"), "{\"a\": 0, \"b\": 1, \"ab\": 2, \"<|endoftext|>\": 3}");
        Files.writeString(folder.resolve("merges.txt"), "#version: 0.2\na b\n");
        TokenizerException error = assertThrows(TokenizerException.class, () -> TextTokenizer.fromFolder(folder));
        assertTrue(error.getMessage().contains("vocab.json has no '<|startoftext|>' token"), error.getMessage());
    }

    @Test
    void aVocabularyThatIsNotAnObjectIsRefused() throws IOException {
        Path folder = tinyClipFolder();
        Files.writeString(folder.resolve("vocab.json"), "[\"a\", \"b\"]");
        TokenizerException error = assertThrows(TokenizerException.class, () -> TextTokenizer.fromFolder(folder));
        assertTrue(error.getMessage().contains("vocab.json must be a JSON object"), error.getMessage());
    }

    @Test
    void aBrokenTokenizerJsonNamesTheFile() throws IOException {
        Path file = temp.resolve("tokenizer.json");
        Files.writeString(file, "{\"model\": {\"type\": \"NoSuchModel\"}}");
        TokenizerException error = assertThrows(TokenizerException.class, () -> TextTokenizer.fromTokenizerJson(file));
        assertTrue(error.getMessage().startsWith("cannot load tokenizer " + file), error.getMessage());
    }

    @Test
    void creationRestoresTheCallersContextClassLoader() {
        ClassLoader marker = new ClassLoader(null) {};
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(marker);
        try (TextTokenizer tokenizer = TextTokenizer.fromTokenizerJson(ConformancePack.clipStyleJson())) {
            assertEquals(marker, thread.getContextClassLoader());
            assertEquals(3, tokenizer.encode("a").size());
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Test
    void longTextsAreNotTruncated() throws IOException {
        try (TextTokenizer tokenizer = TextTokenizer.fromTokenizerJson(ConformancePack.clipStyleJson())) {
            // 600 words: DJL's default would cut at 512 tokens.
            TokenEncoding encoding = tokenizer.encode("a ".repeat(600));
            assertEquals(602, encoding.size());
        }
    }
}
