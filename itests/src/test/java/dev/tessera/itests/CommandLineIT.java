package dev.tessera.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.Test;

/** Usage errors exit 2 with the usage line; other failures exit 1; never a stack trace. */
public class CommandLineIT extends TesseraOsgiTestBase {

    private static void assertNoStackTrace(CliRun run) {
        assertFalse(run.toString(), (run.out() + run.err()).contains("\tat "));
    }

    private static void assertUsage(CliRun run, String message, String usage) {
        assertEquals(run.toString(), 2, run.code());
        assertTrue(run.toString(), run.err().contains("error: " + message));
        assertTrue(run.toString(), run.err().contains(usage));
        assertNoStackTrace(run);
    }

    @Test
    public void noArgumentsOrAnUnknownCommandPrintTheCommandList() {
        CliRun none = tessera();
        assertEquals(none.toString(), 2, none.code());
        assertTrue(none.toString(), none.err().startsWith("usage: tessera [--verbose] <command> [arguments]"));
        CliRun unknown = tessera("frobnicate");
        assertUsage(unknown, "unknown command 'frobnicate'", "usage: tessera [--verbose] <command> [arguments]");
        assertTrue(unknown.toString(), unknown.err().contains("  run "));
        assertTrue(unknown.toString(), unknown.err().contains("  nodes "));
    }

    @Test
    public void wrongRunArgumentsAreUsageErrors() {
        String usage = "usage: tessera run <workflow.json> [--out DIR]";
        assertUsage(tessera("run"), "run needs a workflow file", usage);
        assertUsage(tessera("run", "a.json", "b.json"), "run takes one workflow file, got 2", usage);
        assertUsage(tessera("run", "--bogus", "a.json"), "unknown option '--bogus'", usage);
        assertUsage(tessera("run", "a.json", "--out"), "option --out needs a value", usage);
    }

    @Test
    public void helpListsTheCommandsOnStdout() {
        CliRun help = tessera("help");
        assertEquals(help.toString(), 0, help.code());
        assertTrue(help.toString(), help.out().contains("tessera run <workflow.json>"));
        assertTrue(help.toString(), help.out().contains("tessera nodes [TYPE...]"));
        CliRun one = tessera("help", "run");
        assertEquals(one.toString(), 0, one.code());
        assertTrue(one.toString(), one.out().startsWith("usage: tessera run <workflow.json>"));
    }

    @Test
    public void aMissingOrUnreadableWorkflowFileExitsOne() throws Exception {
        CliRun missing = tessera("run", "no/such/workflow.json");
        assertEquals(missing.toString(), 1, missing.code());
        assertTrue(missing.toString(), missing.err().startsWith("error: workflow file not found: "));
        assertNoStackTrace(missing);

        Path binary = Files.createTempFile("not-utf8", ".json");
        Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        CliRun garbage = tessera("run", binary.toString());
        assertEquals(garbage.toString(), 1, garbage.code());
        assertTrue(garbage.toString(), garbage.err().contains("is not UTF-8 text"));
        assertNoStackTrace(garbage);
    }

    @Test
    public void aFolderOptionThatDisagreesWithTheRunningFrameworkIsRefused() {
        CliRun run = tessera("run", TesseraFramework.repo().resolve("sample-workflows/image-roundtrip.json").toString(),
                "--out", "/somewhere/else");
        assertEquals(run.toString(), 1, run.code());
        assertTrue(run.toString(), run.err().contains("--out /somewhere/else was not applied"));
        assertTrue(run.toString(), run.err().contains("tessera.output.dir"));
        // The folder the framework does use is accepted.
        CliRun same = tessera("run", TesseraFramework.repo().resolve("sample-workflows/image-roundtrip.json").toString(),
                "--out", TesseraFramework.home().resolve("output").toString());
        assertEquals(same.toString(), 0, same.code());
    }

    @Test
    public void nodesListsEveryNodeTypeWithInputsAndOutputs() {
        CliRun nodes = tessera("nodes");
        assertEquals(nodes.toString(), 0, nodes.code());
        for (String type : new String[] {"LoadImage", "SaveImage", "PreviewImage", "ImageScale", "PrimitiveInt",
                "PrimitiveFloat", "PrimitiveString"}) {
            assertTrue(nodes.toString(), nodes.outLines().stream().anyMatch(l -> l.startsWith(type + "  (")));
        }
        assertTrue(nodes.toString(), nodes.out().contains("  in   upscale_method     COMBO  nearest-exact | bilinear | area | bicubic | lanczos"));
        assertTrue(nodes.toString(), nodes.out().contains("  in   image              COMBO  mosaic.png | pixel.png"));
        CliRun unknown = tessera("nodes", "NoSuchNode");
        assertEquals(unknown.toString(), 1, unknown.code());
        assertTrue(unknown.toString(), unknown.err().startsWith("error: no node type NoSuchNode; installed: "));
    }

    /** ComfyUI's UI format with its frontend-only nodes, then the PNG that run saved, then files that are no workflow. */
    @Test
    public void uiJsonAndPngsRunAndOtherFilesSayWhichFormatsRunTakes() throws Exception {
        Path ui = TesseraFramework.repo().resolve("test-workflows/ui/image-roundtrip.ui.json");
        CliRun run = tessera("run", ui.toString());
        assertEquals(run.toString(), 0, run.code());
        assertTrue(run.toString(), run.err().contains(
                "tessera: image-roundtrip.ui.json: the workflow in ComfyUI's UI format, converted to API format by ComfyUI's rules"));
        assertTrue(run.toString(), run.err().contains("warning: node 6 ('Image Comparer (rgthree)'): no node type "
                + "'Image Comparer (rgthree)' is installed; left out, since no other node needs its output"));
        assertFalse(run.toString(), run.err().contains("Note"));
        List<String> saved = run.outLines().stream().filter(l -> l.contains("image-roundtrip-ui_")).toList();
        assertEquals(run.toString(), 1, saved.size());
        Path png = Paths.get("").toAbsolutePath().resolve(saved.get(0));
        PngFile file = PngFile.read(Files.readAllBytes(png));
        assertEquals("the PrimitiveNode's 256, not the widget's saved 512", 256, file.width());
        assertEquals(192, file.height());
        JsonObject prompt = JsonParser.parseString(file.text("prompt").orElseThrow()).getAsJsonObject();
        assertEquals(List.of("1", "4", "5"), List.copyOf(prompt.keySet()));
        assertEquals(JsonParser.parseString("[\"1\", 0]"), prompt.getAsJsonObject("4").getAsJsonObject("inputs").get("image"));
        assertEquals("the UI workflow goes into the PNG as ComfyUI's extra_pnginfo does",
                JsonParser.parseString(Files.readString(ui)), JsonParser.parseString(file.text("workflow").orElseThrow()));

        CliRun again = tessera("run", png.toString());
        assertEquals(again.toString(), 0, again.code());
        assertTrue(again.toString(), again.err().contains(": the workflow in its prompt chunk (API format)\n"));
        assertTrue(again.toString(), again.outLines().stream().anyMatch(l -> l.contains("image-roundtrip-ui_")));

        String formats = "tessera run takes a workflow in ComfyUI's API format (JSON: {\"<id>\": {\"class_type\": ..., "
                + "\"inputs\": {...}}}), in its UI format (the JSON its editor saves, with \"nodes\" and \"links\"), or a PNG "
                + "with a \"prompt\" or \"workflow\" text chunk";
        Path settings = Files.createTempFile("settings", ".json");
        Files.writeString(settings, "{\"theme\": \"dark\", \"zoom\": 2}");
        CliRun json = tessera("run", settings.toString());
        assertEquals(json.toString(), 1, json.code());
        assertEquals(json.toString(), List.of("error: " + settings + " is JSON but no workflow (an object with \"theme\", \"zoom\"); "
                + formats + " (as ComfyUI and Tessera save their images)"), json.errLines());
        Path list = Files.createTempFile("nodes", ".json"); // API nodes in a list instead of an object keyed by id
        Files.writeString(list, "[{\"class_type\": \"LoadImage\", \"inputs\": {\"image\": \"pixel.png\"}}]");
        CliRun array = tessera("run", list.toString());
        assertEquals(array.toString(), 1, array.code());
        assertEquals(array.toString(), List.of("error: " + list + " is JSON but no workflow (a list); " + formats
                + " (as ComfyUI and Tessera save their images)"), array.errLines());
        Path plainPng = TesseraFramework.repo().resolve("sample-workflows/input/mosaic.png");
        CliRun image = tessera("run", plainPng.toString());
        assertEquals(image.toString(), 1, image.code());
        assertTrue(image.toString(), image.err().startsWith("error: " + plainPng + " is a PNG without a \"prompt\" or \"workflow\" text chunk; " + formats));
        assertNoStackTrace(image);
    }
}
