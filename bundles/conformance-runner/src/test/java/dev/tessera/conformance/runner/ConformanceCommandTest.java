package dev.tessera.conformance.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tessera conformance <pack-dir> [--only <family>...]}: arguments, output and exit codes. */
class ConformanceCommandTest {

    private static NDManager manager;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void engine() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private int command(String... args) {
        return ConformanceCommand.execute(List.of(args), Families.builtin(), manager, DataType.FLOAT32,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private List<String> outLines() {
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void schedulersOnlyPassesWithExitZero() {
        Path pack = TestPacks.pack();
        assertEquals(0, command(pack.toString(), "--only", "schedulers"));
        List<String> lines = outLines();
        assertEquals(10, lines.size(), String.join("\n", lines));
        assertTrue(lines.subList(0, 9).stream().allMatch(l -> l.startsWith("PASS schedulers/")));
        assertEquals("9 passed, 0 failed, 0 skipped", lines.get(9));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aFailingCaseGivesExitOne(@TempDir Path tmp) throws IOException {
        Files.createDirectories(tmp.resolve("schedulers"));
        TestPacks.rewrite(manager, TestPacks.pack().resolve("schedulers/ddim_trailing_20.safetensors"), tmp.resolve("schedulers/ddim.safetensors"), "trajectory", 0.99f);
        assertEquals(1, command(tmp.toString()));
        assertEquals("0 passed, 1 failed, 0 skipped", outLines().get(1));
    }

    @Test
    void onlySkippedFamiliesGiveExitOne() {
        List<String> args = new java.util.ArrayList<>(List.of(TestPacks.pack().toString(), "--only"));
        ConformanceRunnerTest.PACK_FAMILIES.stream().filter(f -> !ConformanceRunnerTest.implemented().contains(f))
                .forEach(args::add);
        assertTrue(args.size() > 2, "every family implemented: this test has nothing left to check");
        assertEquals(1, command(args.toArray(String[]::new)));
        List<String> lines = outLines();
        assertTrue(lines.get(lines.size() - 1).matches("0 passed, 0 failed, \\d+ skipped"), lines.toString());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no case ran"));
    }

    @Test
    void badArgumentsAndPacksGiveExitTwoWithUsage(@TempDir Path tmp) {
        assertEquals(2, command());
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("conformance: missing <pack-dir>"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains(ConformanceCommand.USAGE));
        assertEquals(2, command(tmp.toString(), "--fast"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown option --fast"));
        assertEquals(2, command(tmp.toString(), "--only"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--only needs at least one family"));
        assertEquals(2, command(tmp.resolve("missing").toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("missing does not exist"));
        assertEquals(2, command(TestPacks.pack().toString(), "--only", "sd2"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no cases of family 'sd2'"));
        assertEquals("", out.toString(StandardCharsets.UTF_8), "nothing ran");
        assertEquals(0, command("--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith(ConformanceCommand.USAGE));
    }
}
