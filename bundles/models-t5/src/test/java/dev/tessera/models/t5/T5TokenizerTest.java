package dev.tessera.models.t5;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tessera.tokenizers.TextTokenizer;
import dev.tessera.tokenizers.TokenizerException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * diffusers' T5 call ({@code padding="max_length", truncation=True}) on a hand-made T5-style tokenizer whose ids
 * are read off its vocabulary (see src/test/resources/t5-tokenizer/README.md).
 */
class T5TokenizerTest {

    private static final long PAD = 0;
    private static final long EOS = 1;
    private static final long A = 3;
    private static final long RED = 4;
    private static final long APPLE = 5;
    private static final long ON = 7;
    private static final long THE = 8;
    private static final long LEFT = 9;

    @TempDir
    Path temp;

    static Path folder() {
        try {
            return Path.of(T5TokenizerTest.class.getResource("/t5-tokenizer/tokenizer.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void promptThenEndThenPaddingToTheMaximumLength() {
        try (T5Tokenizer tokenizer = T5Tokenizer.fromFolder(folder())) {
            assertEquals(EOS, tokenizer.eosTokenId());
            assertEquals(PAD, tokenizer.padTokenId());
            T5Tokens tokens = tokenizer.encode("a red apple", 8);
            assertEquals(1, tokens.batch());
            assertEquals(8, tokens.length());
            assertArrayEquals(new long[] {A, RED, APPLE, EOS, PAD, PAD, PAD, PAD}, tokens.ids(0));
            assertArrayEquals(new long[] {1, 1, 1, 1, 0, 0, 0, 0}, tokens.attentionMask(0));
            assertEquals(0, tokens.truncatedTokens(0));
        }
    }

    @Test
    void truncationKeepsRoomForTheEndToken() {
        try (T5Tokenizer tokenizer = T5Tokenizer.fromFolder(folder())) {
            T5Tokens tokens = tokenizer.encode("a red apple on the left", 4);
            assertArrayEquals(new long[] {A, RED, APPLE, EOS}, tokens.ids(0));
            assertArrayEquals(new long[] {1, 1, 1, 1}, tokens.attentionMask(0));
            assertEquals(3, tokens.truncatedTokens(0));
            T5Tokens exact = tokenizer.encode("a red apple", 4);
            assertArrayEquals(new long[] {A, RED, APPLE, EOS}, exact.ids(0));
            assertEquals(0, exact.truncatedTokens(0));
        }
    }

    @Test
    void ourEndTokenIsWhatTheTokenizersOwnPostProcessorAppends() {
        try (TextTokenizer raw = TextTokenizer.fromFolder(folder());
                T5Tokenizer tokenizer = T5Tokenizer.fromFolder(folder())) {
            String prompt = "the red apple on the left";
            long[] withSpecials = raw.encode(prompt, true).ids();
            long[] ours = tokenizer.encode(prompt, T5Tokenizer.FLUX_DEV_MAX_LENGTH).ids(0);
            assertArrayEquals(new long[] {THE, RED, APPLE, ON, THE, LEFT, EOS}, withSpecials);
            assertArrayEquals(withSpecials, java.util.Arrays.copyOf(ours, withSpecials.length));
            assertEquals(512, ours.length);
            assertEquals(PAD, ours[511]);
        }
    }

    @Test
    void batchesShareOneLengthAndBecomeInt64Arrays() {
        try (T5Tokenizer tokenizer = T5Tokenizer.fromFolder(folder());
                NDManager manager = NDManager.newBaseManager()) {
            T5Tokens tokens = tokenizer.encode(List.of("a red apple", ""), 5);
            NDArray ids = tokens.idsArray(manager);
            NDArray mask = tokens.maskArray(manager);
            assertArrayEquals(new long[] {2, 5}, ids.getShape().getShape());
            assertArrayEquals(new long[] {A, RED, APPLE, EOS, PAD, EOS, PAD, PAD, PAD, PAD}, ids.toLongArray());
            assertArrayEquals(new long[] {1, 1, 1, 1, 0, 1, 0, 0, 0, 0}, mask.toLongArray());
        }
    }

    @Test
    void aTokenizerWithoutT5sSpecialTokensIsRefused() throws IOException {
        Path folder = Files.createDirectories(temp.resolve("no-eos"));
        Files.writeString(folder.resolve("tokenizer.json"), Files.readString(folder().resolve("tokenizer.json"))
                .replace("</s>", "<end>"));
        TokenizerException e = assertThrows(TokenizerException.class, () -> T5Tokenizer.fromFolder(folder));
        assertTrue(e.getMessage().contains("</s>") && e.getMessage().contains("tokenizer.json"), e.getMessage());
    }

    @Test
    void badLengthsAndNullPromptsAreRefused() {
        try (T5Tokenizer tokenizer = T5Tokenizer.fromFolder(folder())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> tokenizer.encode("a", 0));
            assertTrue(e.getMessage().contains("max length 0"), e.getMessage());
            java.util.List<String> withNull = new java.util.ArrayList<>();
            withNull.add("a");
            withNull.add(null);
            e = assertThrows(IllegalArgumentException.class, () -> tokenizer.encode(withNull, 4));
            assertTrue(e.getMessage().contains("prompt 1"), e.getMessage());
        }
    }
}
