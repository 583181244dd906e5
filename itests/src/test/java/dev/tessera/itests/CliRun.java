package dev.tessera.itests;

import dev.tessera.cli.CommandIO;
import dev.tessera.cli.CommandLine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** One command line run through the {@link CommandLine} service, as the launcher runs it, with its output. */
public record CliRun(List<String> args, int code, String out, String err) {

    public static CliRun of(CommandLine cli, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = cli.execute(Arrays.asList(args), new CommandIO(o, e, false));
        }
        return new CliRun(List.of(args), code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    public List<String> outLines() {
        return out.lines().toList();
    }

    public List<String> errLines() {
        return err.lines().toList();
    }

    /** For assertion messages. */
    @Override
    public String toString() {
        return "tessera " + String.join(" ", args) + " -> " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
