package dev.tessera.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.Gson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;

/**
 * Runs node's test runner over script tests and hands each top-level script test to JUnit as a dynamic test, so
 * the failsafe report counts every one and shows its failure (reporter: {@code js/reporter.mjs}; the editor module
 * has the same runner for its unit scripts).
 */
final class NodeTestRun {

    record Result(String file, String name, boolean ok, boolean skipped, String error, double ms) {
    }

    private NodeTestRun() {
    }

    static Stream<DynamicTest> run(Path dir, Path reporter, List<String> targets, Map<String, String> env,
            long timeoutSeconds) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", "--test", "--test-reporter=" + reporter));
        command.addAll(targets);
        Path log = Files.createTempFile("node-test", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail("node --test " + targets + " in " + dir + " did not finish within " + timeoutSeconds + " s:\n" + tail(log));
        }
        List<Result> results = new ArrayList<>();
        Gson gson = new Gson();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (line.startsWith("TESSERA-TEST ")) results.add(gson.fromJson(line.substring(13), Result.class));
        }
        if (results.isEmpty()) {
            fail("node --test " + targets + " in " + dir + " reported no test (exit " + p.exitValue() + "):\n" + tail(log));
        }
        if (p.exitValue() != 0 && results.stream().allMatch(Result::ok)) {
            fail("node --test " + targets + " exited " + p.exitValue() + " though every test passed:\n" + tail(log));
        }
        Files.deleteIfExists(log);
        return results.stream().map(r -> DynamicTest.dynamicTest(Path.of(r.file()).getFileName() + ": " + r.name(), () -> {
            Assumptions.assumeFalse(r.skipped(), "skipped by the script");
            if (!r.ok()) fail(r.error());
        }));
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
}
