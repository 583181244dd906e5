package dev.tessera.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootPropertiesTest {

    @TempDir
    Path cwd;

    private Map<String, String> of(Map<String, String> existing, String... args) {
        return BootProperties.of(List.of(args), cwd, existing::get);
    }

    @Test
    void folderOptionsBecomeAbsoluteFrameworkPropertiesInEitherSpelling() {
        Map<String, String> p = of(Map.of(), "run", "wf.json", "--out", "o", "--models=/m", "--temp", "../t", "--input", "i");
        assertEquals(cwd.resolve("o").toString(), p.get("tessera.output.dir"));
        assertEquals("/m", p.get("tessera.models.dir"));
        assertEquals(cwd.getParent().resolve("t").toString(), p.get("tessera.temp.dir"));
        assertEquals(cwd.resolve("i").toString(), p.get("tessera.input.dir"));
    }

    @Test
    void anOptionWinsOverASystemPropertyButDefaultsDoNot() {
        Map<String, String> p = of(Map.of("tessera.output.dir", "/old", "felix.fileinstall.dir", "/plugins"), "run", "wf.json", "--out", "new");
        assertEquals(cwd.resolve("new").toString(), p.get("tessera.output.dir"));
        assertEquals(null, p.get("felix.fileinstall.dir"), "an explicit plugin folder is kept");
    }

    @Test
    void runUsesTheInputFolderNextToTheWorkflowWhenThereIsOne() throws IOException {
        Files.createDirectories(cwd.resolve("samples/input"));
        assertEquals(cwd.resolve("samples/input").toString(), of(Map.of(), "run", "samples/wf.json").get("tessera.input.dir"));
        assertEquals(cwd.resolve("samples/input").toString(), of(Map.of(), "run", "--", "samples/wf.json").get("tessera.input.dir"));
        assertEquals(null, of(Map.of(), "run", "elsewhere/wf.json").get("tessera.input.dir"), "no input/ beside it");
        assertEquals(null, of(Map.of(), "nodes", "samples/wf.json").get("tessera.input.dir"), "only for run");
        assertEquals(null, of(Map.of("tessera.input.dir", "/in"), "run", "samples/wf.json").get("tessera.input.dir"));
        assertEquals(cwd.resolve("mine").toString(), of(Map.of(), "run", "samples/wf.json", "--input", "mine").get("tessera.input.dir"));
    }

    @Test
    void runUsesTheModelsFolderNextToTheWorkflowUnlessTheWorkingDirectoryHasOne() throws IOException {
        Files.createDirectories(cwd.resolve("samples/models"));
        String beside = cwd.resolve("samples/models").toString();
        assertEquals(beside, of(Map.of(), "run", "samples/wf.json").get("tessera.models.dir"));
        assertEquals(null, of(Map.of(), "run", "elsewhere/wf.json").get("tessera.models.dir"), "no models/ beside it");
        assertEquals(null, of(Map.of("tessera.models.dir", "/m"), "run", "samples/wf.json").get("tessera.models.dir"));
        assertEquals(cwd.resolve("m").toString(), of(Map.of(), "run", "samples/wf.json", "--models", "m").get("tessera.models.dir"));
        Files.createDirectories(cwd.resolve("models"));
        assertEquals(beside, of(Map.of(), "run", "samples/wf.json").get("tessera.models.dir"),
                "an empty models/ (made by a first run elsewhere) does not hide the workflow's");
        Files.createDirectories(cwd.resolve("models/checkpoints"));
        assertEquals(null, of(Map.of(), "run", "samples/wf.json").get("tessera.models.dir"), "the user's own models/ wins");
    }

    @Test
    void pluginsFolderDefaultsUnderHome() {
        assertEquals(cwd.resolve("plugins").toString(), of(Map.of(), "nodes").get("felix.fileinstall.dir"));
        assertEquals(cwd.resolve("h/plugins").toString(), of(Map.of("tessera.home", "h"), "nodes").get("felix.fileinstall.dir"));
    }

    @Test
    void missingValuesAreLeftForTheCommandLineToReport() {
        Map<String, String> p = of(Map.of(), "run", "wf.json", "--out");
        assertEquals(Map.of("felix.fileinstall.dir", cwd.resolve("plugins").toString()), p);
        assertEquals(Map.of("felix.fileinstall.dir", cwd.resolve("plugins").toString()), of(Map.of(), "run", "--out="));
    }

    @Test
    void serveFromTheRepositoryUsesTheSamplesInputAndModelsUnlessTheHomeHasItsOwn() throws IOException {
        assertEquals(null, of(Map.of(), "serve").get("tessera.input.dir"), "no sample-workflows/ here");
        Files.createDirectories(cwd.resolve("sample-workflows/input"));
        Files.createDirectories(cwd.resolve("sample-workflows/models/checkpoints"));
        Map<String, String> p = of(Map.of(), "serve");
        assertEquals(cwd.resolve("sample-workflows/input").toString(), p.get("tessera.input.dir"));
        assertEquals(cwd.resolve("sample-workflows/models").toString(), p.get("tessera.models.dir"));
        assertEquals(cwd.resolve("i").toString(), of(Map.of(), "serve", "--input", "i").get("tessera.input.dir"));
        assertEquals(null, of(Map.of("tessera.models.dir", "/m"), "serve").get("tessera.models.dir"));
        assertEquals(null, of(Map.of(), "nodes").get("tessera.input.dir"), "only for serve (run has its own rule)");
        Files.createDirectories(cwd.resolve("input"));
        assertEquals(cwd.resolve("sample-workflows/input").toString(), of(Map.of(), "serve").get("tessera.input.dir"),
                "an empty input/ (made by an earlier start) does not hide the samples'");
        Files.writeString(cwd.resolve("input/mine.png"), "x");
        Files.createDirectories(cwd.resolve("models/loras"));
        p = of(Map.of(), "serve");
        assertEquals(null, p.get("tessera.input.dir"), "the user's own input/ wins");
        assertEquals(null, p.get("tessera.models.dir"), "the user's own models/ wins");
    }

    @Test
    void serveTurnsHttpOnWithItsPortAndAddress() {
        Map<String, String> p = of(Map.of(), "serve", "--port", "9000", "--listen=0.0.0.0", "--out", "o");
        assertEquals("true", p.get("org.apache.felix.http.enable"));
        assertEquals("true", p.get("tessera.server.enabled"));
        assertEquals("9000", p.get("org.osgi.service.http.port"));
        assertEquals("0.0.0.0", p.get("org.apache.felix.http.host"));
        assertEquals(cwd.resolve("o").toString(), p.get("tessera.output.dir"));
        Map<String, String> defaults = of(Map.of(), "serve");
        assertEquals("true", defaults.get("org.apache.felix.http.enable"));
        assertEquals(null, defaults.get("org.osgi.service.http.port"), "the application's 8188 applies");
        assertEquals(null, defaults.get("org.apache.felix.http.host"), "the application's 127.0.0.1 applies");
        assertEquals("::1", of(Map.of(), "serve", "--listen", "[::1]").get("org.apache.felix.http.host"));
    }

    @Test
    void persistQueueSetsTheJournalFileUnderHomeOrAsGiven() {
        assertEquals(cwd.resolve("tessera-queue.json").toString(),
                of(Map.of(), "serve", "--persist-queue").get("tessera.server.queueJournal"));
        assertEquals(cwd.resolve("h/tessera-queue.json").toString(),
                of(Map.of("tessera.home", "h"), "serve", "--persist-queue").get("tessera.server.queueJournal"));
        assertEquals(cwd.resolve("q/j.json").toString(),
                of(Map.of(), "serve", "--persist-queue=q/j.json").get("tessera.server.queueJournal"));
        assertEquals(null, of(Map.of(), "serve").get("tessera.server.queueJournal"));
        assertEquals(null, of(Map.of(), "run", "wf.json", "--persist-queue").get("tessera.server.queueJournal"));
    }

    @Test
    void otherCommandsAndBadValuesLeaveHttpOff() {
        assertEquals(null, of(Map.of(), "run", "wf.json").get("org.apache.felix.http.enable"));
        assertEquals(null, of(Map.of(), "run", "wf.json").get("tessera.server.enabled"));
        assertEquals(null, of(Map.of(), "nodes").get("org.apache.felix.http.enable"));
        assertEquals(null, of(Map.of(), "serve", "--port", "http").get("org.apache.felix.http.enable"));
        assertEquals(null, of(Map.of(), "serve", "--port", "70000").get("org.apache.felix.http.enable"));
        assertEquals(null, of(Map.of(), "serve", "--listen", "a b").get("org.apache.felix.http.enable"));
    }

    @Test
    void runtimeOptionsBecomePropertiesAndAreTakenOutOfTheCommandLine() {
        Map<String, String> p = of(Map.of(), "bench", "sd15", "--device", "gpu:1", "--dtype=float16", "--allow-download",
                "--cudnn-benchmark", "--steps", "3");
        assertEquals("gpu:1", p.get("tessera.device"));
        assertEquals("float16", p.get("tessera.dtype"));
        assertEquals("true", p.get("tessera.natives.download"));
        assertEquals("true", p.get("ai.djl.pytorch.cudnn_benchmark"));
        assertEquals(List.of("bench", "sd15", "--steps", "3"), BootProperties.forCommandLine(List.of("bench", "sd15",
                "--device", "gpu:1", "--dtype=float16", "--allow-download", "--cudnn-benchmark", "--steps", "3")));
        // After "--" everything is the command's.
        assertEquals(List.of("run", "--", "--device", "x"), BootProperties.forCommandLine(List.of("run", "--device",
                "cpu", "--", "--device", "x")));
        assertEquals(null, of(Map.of(), "run", "--", "--device", "gpu").get("tessera.device"));
    }
}
