package dev.tessera.testing;

import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.Gson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;

/**
 * Runs node's test runner over script tests and hands each top-level script test to JUnit as a dynamic test, so
 * the surefire/failsafe report counts every one and shows its failure. The reporter that prints one line per test
 * ({@code node-test-reporter.mjs}) ships in this jar and is written next to the run's log, so the editor's unit
 * scripts and the end-to-end scripts share it.
 */
public final class NodeTestRun {

    record Result(String file, String name, boolean ok, boolean skipped, String error, double ms) {
    }

    private NodeTestRun() {
    }

    public static Stream<DynamicTest> run(Path dir, List<String> targets, long timeoutSeconds) throws Exception {
        return run(dir, targets, Map.of(), timeoutSeconds);
    }

    /** {@code node --test <targets>} in {@code dir} with {@code env} added to the environment. */
    public static Stream<DynamicTest> run(Path dir, List<String> targets, Map<String, String> env,
            long timeoutSeconds) throws Exception {
        Path reporter = reporter();
        try {
            return run(dir, reporter, targets, env, timeoutSeconds);
        } finally {
            Files.deleteIfExists(reporter);
        }
    }

    private static Stream<DynamicTest> run(Path dir, Path reporter, List<String> targets, Map<String, String> env,
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
            fail("node --test " + targets + " in " + dir + " did not finish within " + timeoutSeconds + " s:\n"
                    + tail(log));
        }
        List<Result> results = new ArrayList<>();
        Gson gson = new Gson();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (line.startsWith("TESSERA-TEST ")) {
                results.add(gson.fromJson(line.substring(13), Result.class));
            }
        }
        if (results.isEmpty()) {
            fail("node --test " + targets + " in " + dir + " reported no test (exit " + p.exitValue() + "):\n"
                    + tail(log));
        }
        if (p.exitValue() != 0 && results.stream().allMatch(Result::ok)) {
            fail("node --test " + targets + " exited " + p.exitValue() + " though every test passed:\n" + tail(log));
        }
        Files.deleteIfExists(log);
        return results.stream().map(r -> DynamicTest.dynamicTest(Path.of(r.file()).getFileName() + ": " + r.name(),
                () -> {
                    Assumptions.assumeFalse(r.skipped(), "skipped by the script");
                    if (!r.ok()) {
                        fail(r.error());
                    }
                }));
    }

    /** The reporter as a file node can load (it cannot read a module from inside a jar). */
    private static Path reporter() {
        try (InputStream in = NodeTestRun.class.getResourceAsStream("node-test-reporter.mjs")) {
            if (in == null) {
                throw new IllegalStateException("node-test-reporter.mjs is missing from node-testing's jar");
            }
            Path file = Files.createTempFile("node-test-reporter", ".mjs");
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
}
