package dev.tessera.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stable Diffusion 1.x through the exported tessera.jar as a user runs it, in its own JVM: the sample text-to-image
 * workflow with the pack's tiny checkpoint, and the conformance command on the project's pack.
 */
class Sd15WorkflowIT {

    static final Path REPO = TesseraFramework.repo();
    static final Path JAR = TesseraFramework.appJar();
    static final Path WORKFLOW = REPO.resolve("sample-workflows/sd15-txt2img.json");

    @TempDir
    Path work;

    private JarRun tessera(String... args) throws IOException, InterruptedException {
        return JarRun.tessera(work, args);
    }

    /** ComfyUI's default graph as its editor saves it (UI format, seed control value included), the tiny checkpoint chosen. */
    @Test
    void comfyDefaultGraphInUiFormatRunsAsSaved() throws Exception {
        Path models = REPO.resolve("sample-workflows/models");
        Path ui = REPO.resolve("test-workflows/ui/comfyui-default-graph-tiny.ui.json");
        JarRun run = tessera("run", ui.toString(), "--models", models.toString(), "--out", "out");
        assertEquals(0, run.code(), run::toString);
        run.assertNoStackTrace();
        assertTrue(run.err().contains(": the workflow in ComfyUI's UI format, converted to API format by ComfyUI's rules"), run::toString);
        assertFalse(run.err().contains("warning"), run::toString);
        assertTrue(run.err().contains("3/3"), "all 3 steps, not the seed control's value: " + run);
        // The saved graph has no filename_prefix value: Tessera's SaveImage default applies.
        PngFile png = PngFile.read(Files.readAllBytes(work.resolve("out/Tessera_00001_.png")));
        assertEquals(64, png.width());
        assertTrue(png.text("prompt").orElseThrow().contains("\"seed\":156680208700286"), run::toString);
    }

    @Test
    void theSd15SampleWritesA64PixelPngWithItsPromptAndTheSameSeedGivesTheSamePixels() throws Exception {
        Path models = REPO.resolve("sample-workflows/models");
        JarRun run = tessera("run", WORKFLOW.toString(), "--models", models.toString(), "--out", "out");
        assertEquals(0, run.code(), run::toString);
        run.assertNoStackTrace();
        assertTrue(run.err().contains("[5/7] KSampler #5"), run::toString);
        assertTrue(run.err().contains("10/10"), "progress of all 10 steps: " + run);
        byte[] bytes = run.savedImage(work, "out/sd15-txt2img_00001_.png", WORKFLOW);
        PngFile png = PngFile.read(bytes);
        assertEquals(64, png.width(), "EmptyLatentImage's width");
        assertEquals(64, png.height(), "EmptyLatentImage's height");
        assertTrue(png.text("prompt").orElseThrow().contains("a red apple on the left of a blue cup"));
        int colours = PngFile.colours(bytes);
        assertTrue(colours > 100, "the image varies: " + colours + " colours");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));

        JarRun again = tessera("run", WORKFLOW.toString(), "--models", models.toString(), "--out", "out");
        assertEquals(0, again.code(), again::toString);
        BufferedImage second = ImageIO.read(work.resolve("out/sd15-txt2img_00002_.png").toFile());
        assertEquals(64, second.getWidth());
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                assertEquals(image.getRGB(x, y), second.getRGB(x, y), "seed 42 gives the same pixel at " + x + "," + y);
            }
        }
    }

    /**
     * ComfyUI's custom-sampling graph (RandomNoise, CFGGuider, KSamplerSelect, BasicScheduler, SamplerCustomAdvanced)
     * with the txt2img sample's seed, sampler, scheduler, steps and cfg gives its pixels exactly.
     */
    @Test
    void theCustomSamplerSampleGivesTheTxt2ImgSamplesPixels() throws Exception {
        PngFile png = JarRun.sample(work, "sd15-custom-sampler");
        assertEquals(64, png.width());
        JarRun plain = tessera("run", WORKFLOW.toString(), "--out", "out");
        assertEquals(0, plain.code(), plain::toString);
        BufferedImage custom = ImageIO.read(work.resolve("out/sd15-custom-sampler_00001_.png").toFile());
        BufferedImage ksampler = ImageIO.read(work.resolve("out/sd15-txt2img_00001_.png").toFile());
        assertTrue(PngFile.colours(Files.readAllBytes(work.resolve("out/sd15-custom-sampler_00001_.png"))) > 100,
                "the image varies");
        for (int y = 0; y < custom.getHeight(); y++) {
            for (int x = 0; x < custom.getWidth(); x++) {
                assertEquals(ksampler.getRGB(x, y), custom.getRGB(x, y), "the same pixel at " + x + "," + y);
            }
        }
    }

    /** Inpainting as ComfyUI's template does it: LoadImage + LoadImageMask -> VAEEncodeForInpaint -> KSampler. */
    @Test
    void theInpaintSampleRepaintsTheMaskedPartAtTheImagesSize() throws Exception {
        PngFile png = JarRun.sample(work, "sd15-inpaint");
        assertEquals(128, png.width(), "mosaic.png's width");
        assertEquals(96, png.height(), "mosaic.png's height");
    }

    /** The "hires fix": a 64 px first pass, the latent upscaled by 1.5, a second pass at denoise 0.5. */
    @Test
    void theHiresFixSampleEndsAtOneAndAHalfTimesTheSize() throws Exception {
        PngFile png = JarRun.sample(work, "sd15-hires-fix");
        assertEquals(96, png.width(), "1.5 x 64");
        assertEquals(96, png.height());
    }

    /** ComfyUI's regional prompting (ConditioningSetArea + ConditioningCombine), the baseline MIGLoRA improves on. */
    @Test
    void theRegionalPromptSampleRuns() throws Exception {
        PngFile png = JarRun.sample(work, "sd15-regional-prompt");
        assertEquals(128, png.width());
        assertEquals(128, png.height());
    }

    @Test
    void aMissingCheckpointFolderFailsValidationNamingTheNodeAndInput() throws Exception {
        JarRun run = tessera("run", WORKFLOW.toString(), "--models", work.resolve("no-models").toString());
        assertEquals(1, run.code(), run::toString);
        assertTrue(run.err().contains("node 1 (CheckpointLoaderSimple) input 'ckpt_name'"), run::toString);
        assertTrue(run.err().contains("tiny-sd15.safetensors"), run::toString);
        assertFalse(run.err().contains("\tat "), run::toString);
    }

    @Test
    void theConformanceCommandPassesTheSd15AndSchedulersCasesAndSkipsNothingItWasNotAskedFor() throws Exception {
        JarRun run = tessera("conformance", REPO.resolve("testdata/conformance").toString(), "--only", "sd15",
                "schedulers");
        assertEquals(0, run.code(), run::toString);
        List<String> lines = run.out().lines().toList();
        List<String> cases = lines.stream().filter(l -> l.matches("^(PASS|FAIL|SKIP) .*")).toList();
        for (String line : cases) {
            assertTrue(line.startsWith("PASS sd15/") || line.startsWith("PASS schedulers/"), run::toString);
        }
        for (String pipeline : List.of("pipeline_ddim", "pipeline_euler", "pipeline_dpmpp_2m_karras")) {
            assertTrue(cases.stream().anyMatch(l -> l.startsWith("PASS sd15/cases/" + pipeline + ".safetensors ")),
                    pipeline + " runs and passes: " + run);
        }
        long sd15 = cases.stream().filter(l -> l.startsWith("PASS sd15/")).count();
        long schedulers = cases.stream().filter(l -> l.startsWith("PASS schedulers/")).count();
        assertEquals(6, sd15, run::toString);
        assertEquals(countFiles(REPO.resolve("testdata/conformance/schedulers")), schedulers, run::toString);
        assertEquals((sd15 + schedulers) + " passed, 0 failed, 0 skipped", lines.get(lines.size() - 1), run::toString);
    }

    private static long countFiles(Path folder) throws IOException {
        try (var files = Files.list(folder)) {
            return files.filter(f -> !f.getFileName().toString().startsWith(".")).count();
        }
    }
}
