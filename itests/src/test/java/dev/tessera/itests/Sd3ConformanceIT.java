package dev.tessera.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conformance command through the exported tessera.jar on the pack's sd3 family, which is no longer skipped:
 * models-dit's Sd3Family is found as a service and runs the MMDiT case on both layouts.
 */
class Sd3ConformanceIT {

    static final Path REPO = TesseraFramework.repo();

    @TempDir
    Path work;

    @Test
    void theConformanceCommandPassesTheSd3FamilyOnBothLayouts() throws Exception {
        JarRun run = JarRun.tessera(work, "conformance", REPO.resolve("testdata/conformance").toString(), "--only",
                "sd3");
        assertEquals(0, run.code(), run::toString);
        List<String> lines = run.out().lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("PASS sd3/cases/transformer.safetensors ")
                && l.contains("out[single-file]=")), run::toString);
        assertEquals("1 passed, 0 failed, 0 skipped", lines.get(lines.size() - 1), run::toString);
    }
}
