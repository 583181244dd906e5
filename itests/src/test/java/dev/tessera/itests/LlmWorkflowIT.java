package dev.tessera.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LLM samples through the exported tessera.jar on the stand-in tiny LLaMA (random weights, the pack's BPE
 * tokenizer): prompt -> LayoutFromLLM -> LayoutPreview, and prompt -> LayoutFromLLM -> MIGLoRA on the tiny SD1.5;
 * and the conformance command on the llm family.
 */
class LlmWorkflowIT {

    static final Path REPO = TesseraFramework.repo();

    @TempDir
    Path work;

    @Test
    void theLayoutFromLlmSampleDrawsAConstrainedLayout() throws Exception {
        PngFile png = JarRun.sample(work, "layout-from-llm");
        assertEquals(768, png.width(), "the layout's canvas");
        assertEquals(512, png.height());
    }

    @Test
    void theLayoutFromLlmMigloraSampleGeneratesFromTheModelsLayout() throws Exception {
        PngFile png = JarRun.sample(work, "layout-from-llm-miglora");
        assertEquals(64, png.width());
        assertEquals(64, png.height());
    }

    @Test
    void theConformanceCommandPassesTheLlmFamily() throws Exception {
        JarRun run = JarRun.tessera(work, "conformance", REPO.resolve("testdata/conformance").toString(), "--only",
                "llm");
        assertEquals(0, run.code(), run::toString);
        List<String> lines = run.out().lines().toList();
        List<String> cases = lines.stream().filter(l -> l.matches("^(PASS|FAIL|SKIP) .*")).toList();
        assertEquals(2, cases.size(), run::toString);
        assertTrue(cases.stream().allMatch(l -> l.startsWith("PASS llm/")), run::toString);
        assertEquals("2 passed, 0 failed, 0 skipped", lines.get(lines.size() - 1), run::toString);
    }
}
