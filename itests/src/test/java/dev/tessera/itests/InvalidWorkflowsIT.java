package dev.tessera.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.Test;

/**
 * Every malformed workflow of test-workflows/invalid through the real command line inside the framework: exit
 * code 1, exactly the hand-written errors (node id, input, type) on stderr, nothing on stdout, no stack trace.
 */
public class InvalidWorkflowsIT extends TesseraOsgiTestBase {

    static List<Path> corpus() throws IOException {
        try (Stream<Path> files = Files.list(TesseraFramework.repo().resolve("test-workflows/invalid"))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
    }

    @Test
    public void everyMalformedWorkflowGivesItsErrorsPerNodeAndExitCodeOne() throws IOException {
        List<Path> corpus = corpus();
        assertTrue("the corpus has its cases: " + corpus, corpus.size() >= 10);
        List<String> failures = new ArrayList<>();
        for (Path workflow : corpus) {
            Path sidecar = workflow.resolveSibling(workflow.getFileName().toString().replaceFirst("\\.json$", ".expected"));
            assertTrue("sidecar of " + workflow, Files.isRegularFile(sidecar));
            ExpectedErrors expected = ExpectedErrors.read(sidecar);
            assertFalse(sidecar + " lists errors", expected.errors().isEmpty());
            CliRun run = tessera("run", workflow.toString());
            String problem = check(run, expected);
            if (problem != null) failures.add(workflow.getFileName() + ": " + problem + "\n" + run);
        }
        assertTrue(String.join("\n\n", failures), failures.isEmpty());
    }

    /** What is wrong with the run, or null. */
    static String check(CliRun run, ExpectedErrors expected) {
        if (run.code() != 1) return "exit code " + run.code() + ", expected 1";
        String all = run.out() + run.err();
        if (all.contains("\tat ") || all.contains("Exception in thread")) return "a stack trace was printed";
        if (!run.out().isEmpty()) return "stdout is not empty";
        if (!run.err().startsWith("error: ")) return "stderr does not start with 'error: '";
        List<String> lines = ExpectedErrors.problemLines(run.err());
        for (ExpectedErrors.Expected e : expected.errors()) {
            if (lines.stream().noneMatch(e::matches)) return "no line reports '" + e + "'";
        }
        if (lines.size() != expected.errors().size()) {
            return lines.size() + " problem lines for " + expected.errors().size() + " expected errors";
        }
        return null;
    }
}
