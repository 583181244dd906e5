package dev.tessera.training.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.cli.Command;
import dev.tessera.cli.CommandIO;
import dev.tessera.cli.UsageException;
import dev.tessera.testing.ConformancePack;
import dev.tessera.testing.CpuRuntime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line of {@code tessera train}: usage errors name what is wrong; bad data fails with exit 1. */
class TrainCommandTest {

    private static void assertUsage(String expected, String... args) {
        try (CpuRuntime runtime = new CpuRuntime()) {
            UsageException e = assertThrows(UsageException.class, () -> new TrainCommand(runtime)
                    .execute(List.of(args), new CommandIO(System.out, System.err, false)));
            assertTrue(e.getMessage().contains(expected), e.getMessage());
        }
    }

    @Test
    void usageErrorsNameTheArgument() {
        assertUsage("which training: shapes or miglora");
        assertUsage("unknown training 'vae'", "vae");
        assertUsage("unknown option '--rank'", "shapes", "--rank", "4");
        assertUsage("--checkpoint is required", "miglora", "--dataset", "d", "--out", "o");
        assertUsage("--rank 0: expected a whole number from 1 to 4096", "miglora", "--checkpoint", "c", "--dataset",
                "d", "--out", "o", "--rank", "0");
        assertUsage("--fusion: ", "miglora", "--checkpoint", "c", "--dataset", "d", "--out", "o", "--fusion", "max");
        assertUsage("--encoder-widths: 'x' is not a number", "miglora", "--checkpoint", "c", "--dataset", "d",
                "--out", "o", "--encoder-widths", "16,x");
    }

    @Test
    void aDatasetEntryWithoutItsImageFailsNamingTheFile(@TempDir Path dir) throws Exception {
        Path dataset = dir.resolve("dataset");
        Files.createDirectories(dataset);
        Files.writeString(dataset.resolve("000000.json"), "{\"caption\": \"a red circle\", \"width\": 64,"
                + " \"height\": 64, \"coordinates\": \"pixel\", \"instances\": [{\"phrase\": \"a red circle\","
                + " \"box\": [4, 4, 20, 20]}]}");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path checkpoint = ConformancePack.dir().resolve("sd15/single-file/tiny-sd15.safetensors");
        try (CpuRuntime runtime = new CpuRuntime()) {
            int code = new TrainCommand(runtime).execute(List.of("miglora", "--checkpoint", checkpoint.toString(),
                    "--dataset", dataset.toString(), "--out", dir.resolve("out").toString()),
                    new CommandIO(System.out, new PrintStream(err, true, StandardCharsets.UTF_8), false));
            assertEquals(Command.FAILED, code);
        }
        String message = err.toString(StandardCharsets.UTF_8);
        assertTrue(message.startsWith("error: ") && message.contains("000000"), message);
        assertFalse(message.contains("\tat "), "no stack trace: " + message);
        assertFalse(Files.exists(dir.resolve("out/mask_encoder.safetensors")));
    }
}
