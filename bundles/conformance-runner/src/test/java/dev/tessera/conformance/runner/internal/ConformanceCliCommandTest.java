package dev.tessera.conformance.runner.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.cli.Command;
import dev.tessera.cli.CommandIO;
import dev.tessera.cli.UsageException;
import dev.tessera.conformance.runner.Families;
import dev.tessera.tensor.internal.DjlTensorRuntime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code tessera conformance} command on the real tensor runtime (CPU, no framework properties). */
class ConformanceCliCommandTest {

    private final ConformanceCliCommand command =
            new ConformanceCliCommand(new DjlTensorRuntime(key -> null), Families.builtin());
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final CommandIO io = new CommandIO(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), false);

    private static Path pack() {
        return Path.of(System.getProperty("tessera.conformance.dir"));
    }

    @Test
    void runsThePackAndExitsZeroWhenEverythingRunPasses() throws UsageException {
        assertEquals("conformance", command.name());
        assertEquals(Command.OK, command.execute(List.of(pack().toString(), "--only", "schedulers"), io));
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(10, lines.size(), lines.toString());
        assertTrue(lines.subList(0, 9).stream().allMatch(l -> l.startsWith("PASS schedulers/")), lines.toString());
        assertEquals("9 passed, 0 failed, 0 skipped", lines.get(9));
    }

    @Test
    void aFailingCaseExitsNonZero(@TempDir Path tmp) throws IOException, UsageException {
        Path dir = Files.createDirectories(tmp.resolve("schedulers"));
        Files.copy(pack().resolve("schedulers/euler_leading_20.safetensors"), dir.resolve("ok.safetensors"));
        Files.write(dir.resolve("broken.safetensors"), new byte[] {1, 2, 3});
        assertEquals(Command.FAILED, command.execute(List.of(tmp.toString()), io));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("FAIL schedulers/broken.safetensors: ") && text.endsWith(
                "1 passed, 1 failed, 0 skipped" + System.lineSeparator()), text);
    }

    @Test
    void wrongArgumentsAreUsageErrors(@TempDir Path tmp) throws UsageException {
        assertEquals("missing <pack-dir>",
                assertThrows(UsageException.class, () -> command.execute(List.of(), io)).getMessage());
        assertThrows(UsageException.class, () -> command.execute(List.of(tmp.toString(), "--fast"), io));
        assertEquals(Command.USAGE, command.execute(List.of(tmp.resolve("none").toString()), io));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("none does not exist"));
    }
}
