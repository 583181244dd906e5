package dev.tessera.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One {@code java -jar tessera.jar ...} run as a user runs it, in its own JVM, with its exit code and output. */
record JarRun(List<String> command, int code, String out, String err) {

    /**
     * Runs the exported jar with {@code args} in {@code work}, with {@code tessera.home} redirected to
     * {@code work/home}. Generous time limit: CI shares 2 cores; the runs themselves take seconds on an idle machine.
     */
    static JarRun tessera(Path work, String... args) throws IOException, InterruptedException {
        return tessera(TesseraFramework.appJar(), Map.of(), work, args);
    }

    /** As {@link #tessera(Path, String...)} with another jar (the slim one) and extra environment variables. */
    static JarRun tessera(Path jar, Map<String, String> env, Path work, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Dtessera.home=" + work.resolve("home"));
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(args));
        Path out = Files.createTempFile(work, "out", ".txt");
        Path err = Files.createTempFile(work, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().putAll(env);
        Process p = builder.start();
        p.getOutputStream().close();
        if (!p.waitFor(20, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new JarRun(command, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /**
     * The bytes of the one image this run lists on stdout, which must be {@code expected} (relative to {@code work})
     * and carry {@code workflow} as its prompt chunk.
     */
    byte[] savedImage(Path work, String expected, Path workflow) throws IOException {
        String name = expected.substring(expected.lastIndexOf('/') + 1).replaceFirst("_\\d+_\\.png$", "_");
        List<String> saved = out.lines().filter(l -> l.contains(name)).toList();
        assertEquals(List.of(expected), saved, this::toString);
        byte[] bytes = Files.readAllBytes(work.resolve(expected));
        assertEquals(JsonParser.parseString(Files.readString(workflow)),
                JsonParser.parseString(PngFile.read(bytes).text("prompt").orElseThrow()),
                "the prompt chunk is the workflow run");
        return bytes;
    }

    /**
     * Runs {@code sample-workflows/<name>.json} as a user does (models and inputs from beside it, {@code --out out}),
     * checks it succeeded without a stack trace, and returns its one image, {@code out/<name>_00001_.png}, whose
     * prompt chunk must be the workflow.
     */
    static PngFile sample(Path work, String name) throws IOException, InterruptedException {
        Path workflow = TesseraFramework.repo().resolve("sample-workflows").resolve(name + ".json");
        JarRun run = tessera(work, "run", workflow.toString(), "--out", "out");
        assertEquals(0, run.code(), run::toString);
        run.assertNoStackTrace();
        return PngFile.read(run.savedImage(work, "out/" + name + "_00001_.png", workflow));
    }

    void assertNoStackTrace() {
        assertFalse((out + err).contains("\tat "), "no stack trace: " + this);
    }

    @Override
    public String toString() {
        return String.join(" ", command) + " -> " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
