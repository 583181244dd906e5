package dev.tessera.miglora;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** The project's conformance pack, as the build names it. */
public final class Pack {

    private Pack() {}

    public static Path root() {
        String dir = System.getProperty("tessera.conformance.dir");
        assertTrue(dir != null && Files.isDirectory(Path.of(dir)), "tessera.conformance.dir must name the pack: " + dir);
        return Path.of(dir);
    }

    public static Path releasedEncoder() {
        return root().resolve("miglora/tiny-mask-encoder-released.safetensors");
    }

    public static Path sampleWorkflows() {
        return root().resolve("../../sample-workflows").normalize();
    }
}
