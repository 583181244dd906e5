package dev.tessera.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonParser;
import dev.tessera.graph.engine.WorkflowEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import javax.inject.Inject;
import org.junit.Test;

/** The sample workflow through the command line inside the framework: LoadImage -> ImageScale (width from a PrimitiveInt) -> SaveImage. */
public class SampleWorkflowIT extends TesseraOsgiTestBase {

    @Inject
    private WorkflowEngine engine;

    @Test
    public void sampleWorkflowWritesAScaledPngCarryingTheWorkflowAsItsPromptChunk() throws Exception {
        Path workflow = TesseraFramework.repo().resolve("sample-workflows/image-roundtrip.json");
        engine.clearCache(); // other tests may have run the sample: execute every node this time
        CliRun run = tessera("run", workflow.toString());
        assertEquals(run.toString(), 0, run.code());
        assertTrue(run.toString(), run.err().contains("5 nodes executed, 0 nodes cached"));

        List<String> saved = run.outLines().stream().filter(l -> l.contains("image-roundtrip_")).toList();
        assertEquals(run.toString(), 1, saved.size());
        Path png = Paths.get("").toAbsolutePath().resolve(saved.get(0));
        assertTrue(png + " is in the output folder", png.startsWith(TesseraFramework.home().resolve("output")));

        PngFile file = PngFile.read(Files.readAllBytes(png));
        // mosaic.png is 128 x 96; width 256 from the PrimitiveInt and height 0 keep the aspect ratio.
        assertEquals(256, file.width());
        assertEquals(192, file.height());
        String prompt = file.text("prompt").orElseThrow(() -> new AssertionError("no prompt tEXt chunk in " + png));
        assertEquals(JsonParser.parseString(Files.readString(workflow)), JsonParser.parseString(prompt));

        // The preview of the loaded image went to the temp folder and is listed too.
        assertTrue(run.toString(), run.outLines().stream().anyMatch(l -> l.contains("temp")));
        // Progress names each node as it executes.
        for (String step : List.of("LoadImage #1", "PrimitiveInt #2", "ImageScale #3", "SaveImage #4", "PreviewImage #5")) {
            assertTrue(run.toString(), run.err().contains(step));
        }
        assertTrue(run.toString(), run.err().contains("/5] ImageScale #3"));
    }

    @Test
    public void theLayoutSampleDrawsItsLayout() throws Exception {
        CliRun run = tessera("run", TesseraFramework.repo().resolve("sample-workflows/layout-preview.json").toString());
        assertEquals(run.toString(), 0, run.code());
        List<String> saved = run.outLines().stream().filter(l -> l.contains("layout-preview_")).toList();
        assertEquals(run.toString(), 1, saved.size());
        PngFile file = PngFile.read(Files.readAllBytes(Paths.get("").toAbsolutePath().resolve(saved.get(0))));
        // The workflow asks for a 768 x 512 layout and previews it at that size (width and height 0).
        assertEquals(768, file.width());
        assertEquals(512, file.height());
    }

    @Test
    public void aSecondRunTakesUnchangedNodesFromTheCacheAndStillSaves() {
        Path workflow = TesseraFramework.repo().resolve("sample-workflows/image-roundtrip.json");
        tessera("run", workflow.toString());
        CliRun again = tessera("run", workflow.toString());
        assertEquals(again.toString(), 0, again.code());
        assertTrue(again.toString(), again.err().contains("cached"));
        assertTrue(again.toString(), again.outLines().stream().anyMatch(l -> l.contains("image-roundtrip_")));
    }
}
