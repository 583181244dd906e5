package dev.tessera.miglora;

import dev.tessera.testing.ConformancePack;
import java.nio.file.Path;

/** The MIGLoRA files of the project's conformance pack (the pack itself: {@link ConformancePack}). */
public final class Pack {

    private Pack() {}

    public static Path releasedEncoder() {
        return ConformancePack.dir().resolve("miglora/tiny-mask-encoder-released.safetensors");
    }
}
