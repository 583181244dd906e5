package dev.tessera.lora.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.cli.Command;
import dev.tessera.cli.CommandIO;
import dev.tessera.cli.UsageException;
import dev.tessera.lora.Pack;
import dev.tessera.lora.bundle.LoraBundles;
import dev.tessera.testing.CpuRuntime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tessera lora-bundle}: arguments, the jar it writes, and a clear error for a file that is not a LoRA. */
class LoraBundleCommandTest {

    @TempDir
    Path dir;
    private final CpuRuntime runtime = new CpuRuntime();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final LoraBundleCommand command = new LoraBundleCommand(runtime);

    @AfterEach
    void tearDown() {
        runtime.close();
    }

    private int run(String... args) throws UsageException {
        CommandIO io = new CommandIO(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        return command.execute(List.of(args), io);
    }

    @Test
    void packagesTheFileAndPrintsTheJar() throws Exception {
        Path lora = Files.copy(Pack.peft(), dir.resolve("My Style.safetensors"));
        assertEquals(Command.OK, run(lora.toString(), "--out", dir.resolve("plugins").toString()));
        Path jar = dir.resolve("plugins/lora-My_Style.jar");
        assertEquals(jar.toString(), out.toString(StandardCharsets.UTF_8).strip());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("offers it as 'My_Style'"), err.toString());
        try (JarFile file = new JarFile(jar.toFile())) {
            assertEquals("My_Style;path=\"loras/My_Style.safetensors\"",
                    file.getManifest().getMainAttributes().getValue(LoraBundles.HEADER));
        }
        out.reset();
        assertEquals(Command.OK, run(lora.toString(), "--name=other", "--out=" + dir));
        assertEquals(dir.resolve("lora-other.jar").toString(), out.toString(StandardCharsets.UTF_8).strip());
    }

    @Test
    void aFileThatIsNotALoraFailsWithExitOneAndNamesIt() throws Exception {
        Path fake = Files.write(dir.resolve("fake.safetensors"), new byte[] {1, 2, 3});
        assertEquals(Command.FAILED, run(fake.toString(), "--out", dir.toString()));
        String message = err.toString(StandardCharsets.UTF_8);
        assertTrue(message.startsWith("error: ") && message.contains("fake.safetensors")
                && message.contains("not a readable LoRA"), message);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(Command.FAILED, run(dir.resolve("missing.safetensors").toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("missing.safetensors: no such file"), err.toString());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(fake), files.toList(), "nothing written");
        }
    }

    @Test
    void wrongArgumentsAreUsageErrors() throws IOException {
        assertUsage("which .safetensors file?");
        assertUsage("unknown option --force", "a.safetensors", "--force");
        assertUsage("--out needs a value", "a.safetensors", "--out");
        assertUsage("one LoRA file at a time", "a.safetensors", "b.safetensors");
        assertUsage("--name 'a/b' is not valid", "a.safetensors", "--name", "a/b");
    }

    private void assertUsage(String part, String... args) {
        UsageException e = assertThrows(UsageException.class, () -> run(args));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
