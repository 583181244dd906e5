package dev.tessera.tokenizers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** The reference conformance pack's tokenizer part, located by the system property Surefire sets. */
final class ConformancePack {

    private ConformancePack() {}

    static Path tokenizers() {
        String dir = System.getProperty("tessera.conformance.dir");
        assertTrue(dir != null && !dir.isBlank(), "system property tessera.conformance.dir is not set");
        Path tokenizers = Path.of(dir, "tokenizers");
        assertTrue(Files.isDirectory(tokenizers), "no tokenizers folder in the conformance pack: " + tokenizers);
        return tokenizers;
    }

    /** The pack's CLIP-style tokenizer (lowercasing BPE with {@code </w>}, start 0, end 1). */
    static Path clipStyleJson() {
        return tokenizers().resolve("clip-style").resolve("tokenizer.json");
    }
}
