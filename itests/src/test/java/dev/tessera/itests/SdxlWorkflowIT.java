package dev.tessera.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stable Diffusion XL through the exported tessera.jar as a user runs it: the SDXL sample (CheckpointLoaderSimple on
 * the tiny SDXL checkpoint, CLIPTextEncodeSDXL, KSampler, VAEDecode) and the conformance command on the pack's sdxl
 * family, which is no longer skipped.
 */
class SdxlWorkflowIT {

    static final Path REPO = TesseraFramework.repo();

    @TempDir
    Path work;

    @Test
    void theSdxlSampleWritesA64PixelPng() throws Exception {
        PngFile png = JarRun.sample(work, "sdxl-txt2img");
        assertEquals(64, png.width());
        assertEquals(64, png.height());
    }

    @Test
    void theConformanceCommandPassesTheSdxlCaseOnBothLayouts() throws Exception {
        JarRun run = JarRun.tessera(work, "conformance", REPO.resolve("testdata/conformance").toString(), "--only",
                "sdxl");
        assertEquals(0, run.code(), run::toString);
        List<String> lines = run.out().lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("PASS sdxl/cases/unet_te.safetensors ")
                && l.contains("out[single-file]=")), run::toString);
        assertEquals("1 passed, 0 failed, 0 skipped", lines.get(lines.size() - 1), run::toString);
    }
}
