package dev.tessera.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
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
    void theContextGenSampleRunsTheFlowSamplerAndWritesTheLayoutsSize() throws Exception {
        // No --models and no --input: the run finds the folders next to the workflow.
        JarRun run = JarRun.tessera(work, "run", WORKFLOW.toString(), "--out", "out");
        assertEquals(0, run.code(), run::toString);
        run.assertNoStackTrace();
        assertTrue(run.err().contains("ContextGenApply #12"), run::toString);
        assertTrue(run.err().contains("KSampler #15") && run.err().contains("4/4"), "4 flow steps: " + run);
        List<String> saved = run.out().lines().filter(l -> l.contains("contextgen-flux-kontext_")).toList();
        assertEquals(List.of("out/contextgen-flux-kontext_00001_.png"), saved, run::toString);

        byte[] bytes = Files.readAllBytes(work.resolve(saved.get(0)));
        PngFile png = PngFile.read(bytes);
        assertEquals(128, png.width(), "the layout's canvas width");
        assertEquals(128, png.height(), "the layout's canvas height");
        assertEquals(JsonParser.parseString(Files.readString(WORKFLOW)),
                JsonParser.parseString(png.text("prompt").orElseThrow()), "the prompt chunk is the workflow run");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                colours.add(image.getRGB(x, y));
            }
        }
        // Random weights give noise, not a picture; a blank or single-colour image means the pipeline broke.
        assertTrue(colours.size() > 100, "the image varies: " + colours.size() + " colours");
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
