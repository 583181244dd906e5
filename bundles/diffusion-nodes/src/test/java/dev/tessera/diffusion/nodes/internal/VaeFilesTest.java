package dev.tessera.diffusion.nodes.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.model.api.Vae;
import dev.tessera.testing.ConformancePack;
import dev.tessera.testing.CpuRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * VAELoader's file cache on the samples' tiny FLUX autoencoder: one load per file for every handle, closed with the
 * last handle, a replaced file loaded anew, a file that is no VAE refused naming it.
 */
class VaeFilesTest {

    @TempDir
    Path dir;

    @Test
    void handlesOverOneFileShareOneLoadAndAReplacedFileLoadsAnew() throws Exception {
        Path vaeFolder = ConformancePack.sampleWorkflows().resolve("models/vae");
        Path file = Files.copy(vaeFolder.resolve("tiny-flux-ae.safetensors"), dir.resolve("ae.safetensors"));
        Files.copy(vaeFolder.resolve("tiny-flux-ae.arch.json"), dir.resolve("ae.arch.json"));
        try (CpuRuntime runtime = new CpuRuntime()) {
            VaeFiles files = new VaeFiles(runtime);
            try {
                Vae first = files.open(file);
                Vae second = files.open(file);
                assertEquals("flux", first.latentFormat().family());
                assertEquals(0.1159f, (float) second.latentFormat().shiftFactor(), 1e-6f, "FLUX's shift, from the file");
                assertEquals(1, files.loads(), "the second handle shares the open file");
                assertEquals(1, files.openFiles());

                Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis()
                        + 2000));
                Vae replaced = files.open(file);
                assertEquals(2, files.loads(), "a changed file is a new key");
                assertEquals(2, files.openFiles(), "the old version stays open for its handles");

                first.close();
                assertEquals(2, files.openFiles());
                second.close();
                assertEquals(1, files.openFiles(), "the last handle closed the old version");
                assertThrows(IllegalStateException.class, () -> first.latentFormat(), "a closed handle says so");
                replaced.close();
                assertEquals(0, files.openFiles());

                Path notVae = Files.writeString(dir.resolve("text.safetensors"), "not a safetensors file");
                RuntimeException refused = assertThrows(RuntimeException.class, () -> files.open(notVae));
                assertTrue(refused.getMessage().contains("text.safetensors"), refused.getMessage());
                assertEquals(0, files.openFiles(), "nothing stays open after a failed load");
            } finally {
                files.close();
            }
        }
    }
}
