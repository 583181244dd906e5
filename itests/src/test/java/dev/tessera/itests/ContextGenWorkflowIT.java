package dev.tessera.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ContextGen on FLUX through the exported tessera.jar, in its own JVM: the sample workflow with the pack's tiny FLUX,
 * T5 and CLIP and the generated tiny autoencoder, its bad input, and the conformance command on the t5, flux and
 * contextgen families.
 */
class ContextGenWorkflowIT {

    static final Path REPO = TesseraFramework.repo();
    static final Path WORKFLOW = REPO.resolve("sample-workflows/contextgen-flux-kontext.json");

    @TempDir
    Path work;

    @Test
    void theContextGenSampleRunsTheFlowSamplerWritesTheLayoutsSizeAndRepeatsItself() throws Exception {
        // No --models and no --input: the run finds the folders next to the workflow.
        JarRun run = JarRun.tessera(work, "run", WORKFLOW.toString(), "--out", "out");
        assertEquals(0, run.code(), run::toString);
        run.assertNoStackTrace();
        assertTrue(run.err().contains("ContextGenApply #12"), run::toString);
        assertTrue(run.err().contains("KSampler #15") && run.err().contains("4/4"), "4 flow steps: " + run);
        byte[] bytes = run.savedImage(work, "out/contextgen-flux-kontext_00001_.png", WORKFLOW);
        PngFile png = PngFile.read(bytes);
        assertEquals(128, png.width(), "the layout's canvas width");
        assertEquals(128, png.height(), "the layout's canvas height");
        int colours = PngFile.colours(bytes);
        assertTrue(colours > 100, "the image varies: " + colours + " colours");

        // The same seed gives the same file, prompt chunk and pixels (a tensor reading freed memory would not).
        JarRun again = JarRun.tessera(work, "run", WORKFLOW.toString(), "--out", "out");
        assertEquals(0, again.code(), again::toString);
        assertTrue(java.util.Arrays.equals(bytes, Files.readAllBytes(work.resolve(
                "out/contextgen-flux-kontext_00002_.png"))), "seed 7 gives the same image");
    }

    /**
     * The authors' input format as it ships: a segment_info.json (256 frame) naming RGBA references and an RGBA
     * layout image in the input folder, run at 128.
     */
    @Test
    void theSegmentInfoSampleRunsWithItsLayoutImageAndReferenceFiles() throws Exception {
        PngFile png = JarRun.sample(work, "contextgen-segment-info");
        assertEquals(128, png.width());
        assertEquals(128, png.height());
    }

    /**
     * ComfyUI's FLUX Kontext edit template as a user brings it (FluxKontextImageScale, ReferenceLatent,
     * ConditioningZeroOut), on the tiny models: the 128x96 input goes to the Kontext resolution of aspect 4:3.
     */
    @Test
    void theKontextEditSampleRunsAtTheKontextResolution() throws Exception {
        PngFile png = JarRun.sample(work, "flux-kontext-edit");
        assertEquals(1184, png.width(), "1184x880, the preferred resolution nearest to 4:3");
        assertEquals(880, png.height());
    }

    /**
     * ComfyUI's FLUX dev template's sampling part (ModelSamplingFlux, RandomNoise, BasicGuider over FluxGuidance,
     * KSamplerSelect, BasicScheduler, SamplerCustomAdvanced) on the tiny models.
     */
    @Test
    void theFluxCustomSamplerSampleRunsItsFourFlowSteps() throws Exception {
        Path workflow = REPO.resolve("sample-workflows/flux-dev-custom-sampler.json");
        JarRun run = JarRun.tessera(work, "run", workflow.toString(), "--out", "out");
        assertEquals(0, run.code(), run::toString);
        run.assertNoStackTrace();
        assertTrue(run.err().contains("SamplerCustomAdvanced #12") && run.err().contains("4/4"), run::toString);
        byte[] bytes = run.savedImage(work, "out/flux-dev-custom-sampler_00001_.png", workflow);
        PngFile png = PngFile.read(bytes);
        assertEquals(64, png.width());
        assertEquals(64, png.height());
        assertTrue(PngFile.colours(bytes) > 100, "the image varies");
    }

    @Test
    void aReferenceWithoutMaskAndACanvasNotAMultipleOf16FailBeforeSampling() throws Exception {
        String sample = Files.readString(WORKFLOW);
        Path samples = Files.createDirectories(work.resolve("samples"));
        Path noMask = samples.resolve("no-mask.json");
        Files.writeString(noMask, sample.replace("\"mask\": [\"5\", 1], ", ""));
        Path models = REPO.resolve("sample-workflows/models");
        Path input = REPO.resolve("sample-workflows/input");
        JarRun run = JarRun.tessera(work, "run", noMask.toString(), "--models", models.toString(), "--input",
                input.toString(), "--out", "out");
        assertEquals(1, run.code(), run::toString);
        run.assertNoStackTrace();
        assertTrue(run.err().contains("node 7 (ReferenceImage) input 'mask'")
                && run.err().contains("reference 1 has no alpha or mask"), run::toString);
        assertTrue(!run.err().contains("KSampler #15"), "nothing samples: " + run);

        Path odd = samples.resolve("odd-size.json");
        Files.writeString(odd, sample.replace("\\\"width\\\": 128", "\\\"width\\\": 120"));
        JarRun oddRun = JarRun.tessera(work, "run", odd.toString(), "--models", models.toString(), "--input",
                input.toString(), "--out", "out");
        assertEquals(1, oddRun.code(), oddRun::toString);
        oddRun.assertNoStackTrace();
        assertTrue(oddRun.err().contains("node 9 (ContextGenLayout) input 'width'")
                && oddRun.err().contains("the image width is 120 (the layout's, since width is 0)")
                && oddRun.err().contains("e.g. 112 or 128"), oddRun::toString);
        assertTrue(!oddRun.err().contains("KSampler #15"), "nothing samples: " + oddRun);
    }

    @Test
    void theConformanceCommandPassesTheT5FluxAndContextGenFamilies() throws Exception {
        JarRun run = JarRun.tessera(work, "conformance", REPO.resolve("testdata/conformance").toString(), "--only",
                "t5", "flux", "contextgen");
        assertEquals(0, run.code(), run::toString);
        List<String> lines = run.out().lines().toList();
        List<String> cases = lines.stream().filter(l -> l.matches("^(PASS|FAIL|SKIP) .*")).toList();
        for (String family : List.of("t5/", "flux/", "contextgen/")) {
            assertTrue(cases.stream().anyMatch(l -> l.startsWith("PASS " + family)), family + " ran: " + run);
        }
        for (String line : cases) {
            assertTrue(line.startsWith("PASS "), run::toString);
        }
        assertEquals(cases.size() + " passed, 0 failed, 0 skipped", lines.get(lines.size() - 1), run::toString);
    }
}
