package dev.tessera.models.llm.loading;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.models.llm.ChatFormat;
import dev.tessera.models.llm.ChatTokenizer;
import dev.tessera.testing.ConformancePack;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerFilesTest {

    static final Path BYTELEVEL = ConformancePack.dir().resolve("tokenizers/bytelevel");

    /** Each token's bytes, concatenated, are the text the tokenizer's decoder gives (what the grammar matches). */
    @Test
    void byteLevelTokenBytesSpellTheDecodedText() {
        try (ChatTokenizer tokenizer = TokenizerFiles.read(BYTELEVEL)) {
            for (String text : new String[] {"a red apple (0.25, 0.5)", "Ünïcödé café", "x</scap><bbox>(1"}) {
                long[] ids = tokenizer.encode(text);
                ByteArrayOutputStream joined = new ByteArrayOutputStream();
                for (long id : ids) {
                    byte[] b = tokenizer.tokenBytes()[(int) id];
                    if (b != null) {
                        joined.writeBytes(b);
                    }
                }
                String decoded = tokenizer.decode(ids);
                assertEquals(decoded, joined.toString(StandardCharsets.UTF_8), text);
                // The tags are special tokens of this tokenizer: decoding without specials drops them.
                assertEquals(text.contains("</scap>") ? "x(1" : text, decoded.strip());
            }
            assertNull(tokenizer.tokenBytes()[1], "<s> is special: never matched by a grammar");
            assertEquals("<layout>", tokenizer.specialTokens().get(3));
        }
    }

    @Test
    void sentencePiecePiecesAndByteFallback() {
        assertArrayEquals(" apple".getBytes(StandardCharsets.UTF_8), TokenizerFiles.sentencePieceBytes("\u2581apple"));
        assertArrayEquals(new byte[] {(byte) 0xE2}, TokenizerFiles.sentencePieceBytes("<0xE2>"));
        assertArrayEquals("<0xZZ>".getBytes(StandardCharsets.UTF_8), TokenizerFiles.sentencePieceBytes("<0xZZ>"));
    }

    /** tokenizer_config.json's chat template family, BOS and end-of-turn tokens. */
    @Test
    void chatTemplateFamilyAndStopTokens(@TempDir Path dir) throws Exception {
        Files.copy(BYTELEVEL.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"bos_token\": {\"content\": \"<s>\"},"
                + " \"eos_token\": \"</s>\", \"chat_template\": \"{% for m in messages %}<|im_start|>{{ m.role }}"
                + "{% endfor %}\"}");
        Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": [2, 0]}");
        try (ChatTokenizer tokenizer = TokenizerFiles.read(dir)) {
            assertEquals(ChatFormat.CHATML, tokenizer.format());
            assertEquals(Set.of(2L, 0L), tokenizer.stopTokens());
        }
        assertEquals("<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU<|im_end|>\n<|im_start|>assistant\n",
                ChatFormat.CHATML.render("S", "U", null));
        assertEquals("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nU<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n", ChatFormat.LLAMA3.render("", "U",
                        "<|begin_of_text|>"));
        assertEquals(ChatFormat.LLAMA3, ChatFormat.detect("...<|start_header_id|>..."));
        assertEquals(ChatFormat.PLAIN, ChatFormat.detect(null));
    }

    @Test
    void aFolderWithoutTokenizerJsonIsNamed(@TempDir Path dir) {
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> TokenizerFiles.read(dir));
        assertTrue(e.getMessage().contains("no tokenizer.json"), e.getMessage());
    }
}
