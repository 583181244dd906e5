package dev.tessera.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exported tessera.jar and the ./tessera script as a user runs them: separate JVMs, exit codes, stdout and
 * stderr. (JUnit 5; runs next to the Pax Exam tests on the same JUnit Platform.)
 */
class TesseraJarIT {

    static final Path REPO = TesseraFramework.repo();
    static final Path JAR = TesseraFramework.appJar();

    @TempDir
    Path work;

    record Run(List<String> command, int code, String out, String err) {
        @Override
        public String toString() {
            return String.join(" ", command) + " -> " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }

        void assertNoStackTrace() {
            assertFalse((out + err).contains("\tat "), this::toString);
        }
    }

    private Run process(Path cwd, List<String> env, List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile());
        for (String kv : env) {
            int eq = kv.indexOf('=');
            builder.environment().put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        Path out = Files.createTempFile(work, "out", ".txt");
        Path err = Files.createTempFile(work, "err", ".txt");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        Process p = builder.start();
        p.getOutputStream().close();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Run(command, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private Run tesseraJar(Path cwd, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-jar");
        command.add(JAR.toString());
        command.addAll(List.of(args));
        return process(cwd, List.of(), command);
    }

    @Test
    void theReadmeCommandRunsTheSampleFromTheRepositoryRoot() throws Exception {
        Path home = work.resolve("home");
        // Exactly the README's command; only tessera.home is redirected so the repository stays clean.
        Run run = process(REPO, List.of("TESSERA_JAVA_OPTS=-Dtessera.home=" + home),
                List.of("./tessera", "run", "sample-workflows/image-roundtrip.json"));
        assertEquals(0, run.code(), run::toString);
        run.assertNoStackTrace();
        List<String> saved = run.out().lines().filter(l -> l.contains("image-roundtrip_")).toList();
        assertEquals(1, saved.size(), run::toString);
        Path png = Path.of(saved.get(0));
        assertTrue(png.startsWith(home.resolve("output")), run::toString);
        PngFile file = PngFile.read(Files.readAllBytes(png));
        assertEquals(256, file.width());
        assertEquals(JsonParser.parseString(Files.readString(REPO.resolve("sample-workflows/image-roundtrip.json"))),
                JsonParser.parseString(file.text("prompt").orElseThrow()));
        assertTrue(run.err().contains("tessera: done in "), run::toString);
        assertTrue(run.err().contains("; input sample-workflows/input, "), "the sample's own input folder: " + run);
        assertTrue(Files.isDirectory(home.resolve("plugins")), "the plugins folder is there to drop bundles into");
    }

    @Test
    void folderOptionsDecideWhereFilesGo() throws Exception {
        Path out = work.resolve("custom-out");
        Run run = tesseraJar(work, "run", REPO.resolve("sample-workflows/image-roundtrip.json").toString(), "--out", "custom-out",
                "--temp", "custom-temp");
        assertEquals(0, run.code(), run::toString);
        assertTrue(run.out().lines().anyMatch(l -> l.startsWith("custom-out/image-roundtrip_")), run::toString);
        assertTrue(run.out().lines().anyMatch(l -> l.startsWith("custom-temp/")), run::toString);
        try (var files = Files.list(out)) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void nodesListsTheNodeTypes() throws Exception {
        Run run = tesseraJar(work, "nodes");
        assertEquals(0, run.code(), run::toString);
        for (String type : List.of("LoadImage", "SaveImage", "PreviewImage", "ImageScale", "PrimitiveInt")) {
            assertTrue(run.out().lines().anyMatch(l -> l.startsWith(type + "  (")), run::toString);
        }
        assertFalse(run.err().contains("SLF4J"), "no logging noise: " + run);
    }

    @Test
    void usageErrorsExitTwo() throws Exception {
        Run none = tesseraJar(work);
        assertEquals(2, none.code(), none::toString);
        assertTrue(none.err().startsWith("usage: tessera [--verbose] <command>"), none::toString);
        Run unknown = tesseraJar(work, "frobnicate");
        assertEquals(2, unknown.code(), unknown::toString);
        assertTrue(unknown.err().startsWith("error: unknown command 'frobnicate'"), unknown::toString);
        Run noFile = tesseraJar(work, "run");
        assertEquals(2, noFile.code(), noFile::toString);
        assertTrue(noFile.err().contains("usage: tessera run <workflow.json>"), noFile::toString);
        none.assertNoStackTrace();
        unknown.assertNoStackTrace();
        noFile.assertNoStackTrace();
    }

    @Test
    void aMalformedWorkflowExitsOneWithEveryErrorPerNode() throws Exception {
        Path invalid = REPO.resolve("test-workflows/invalid");
        for (String name : List.of("many-errors", "bad-json", "cycle")) {
            Run run = tesseraJar(work, "run", invalid.resolve(name + ".json").toString(), "--input", invalid.resolve("input").toString());
            CliRun asCli = new CliRun(run.command(), run.code(), run.out(), run.err());
            assertNull(InvalidWorkflowsIT.check(asCli, ExpectedErrors.read(invalid.resolve(name + ".expected"))), run::toString);
        }
    }

    @Test
    void aFailingNodeIsItsOwnLinesWithoutLogRecordsUnlessVerbose() throws Exception {
        Path input = Files.createDirectories(work.resolve("input"));
        Files.writeString(input.resolve("broken.png"), "not a PNG");
        Path workflow = Files.writeString(work.resolve("broken.json"), """
                {"1": {"class_type": "LoadImage", "inputs": {"image": "broken.png"}},
                 "2": {"class_type": "PreviewImage", "inputs": {"images": ["1", 0]}}}
                """);
        Run quiet = tesseraJar(work, "run", workflow.toString());
        assertEquals(1, quiet.code(), quiet::toString);
        assertTrue(quiet.err().contains("node 1 (LoadImage)"), quiet::toString);
        assertFalse(quiet.err().contains("WARNING") || quiet.err().contains("WorkflowRun"), quiet::toString);
        quiet.assertNoStackTrace();
        Run verbose = tesseraJar(work, "--verbose", "run", workflow.toString());
        assertEquals(1, verbose.code(), verbose::toString);
        assertTrue(verbose.err().contains("WARNING"), verbose::toString);
    }

    @Test
    void duplicateNodeIdsAndDeepNestingAreOneLineErrors() throws Exception {
        Path dup = Files.writeString(work.resolve("dup.json"), """
                {"1": {"class_type": "PrimitiveInt", "inputs": {"value": 1}},
                 "1": {"class_type": "PrimitiveInt", "inputs": {"value": 2}}}
                """);
        Run run = tesseraJar(work, "run", dup.toString());
        assertEquals(1, run.code(), run::toString);
        assertTrue(run.err().contains("node 1: invalid_prompt: node id 1 is given twice (again at line 2, column 2)"), run::toString);
        Path deep = Files.writeString(work.resolve("deep.json"), "{\"1\": {\"class_type\": \"PrimitiveInt\", \"inputs\": {\"value\": "
                + "[".repeat(100_000) + "]".repeat(100_000) + "}}}");
        Run deepRun = tesseraJar(work, "run", deep.toString());
        assertEquals(1, deepRun.code(), deepRun::toString);
        assertTrue(deepRun.err().contains("nested deeper than the limit of 100 levels (tessera.workflow.maxDepth)"), deepRun::toString);
        assertTrue(deepRun.err().lines().count() < 5, deepRun::toString);
        deepRun.assertNoStackTrace();
    }
}
