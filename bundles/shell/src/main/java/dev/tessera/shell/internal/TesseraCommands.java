package dev.tessera.shell.internal;

import dev.tessera.cli.ActiveRuns;
import dev.tessera.cli.CommandIO;
import dev.tessera.cli.CommandLine;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Tessera in a host's shell (Gogo, which Karaf's shell also runs): {@code tessera:run <file>} and
 * {@code tessera:nodes} are the command line's {@code run} and {@code nodes} (same validation messages, the files
 * written on the shell's output), {@code tessera:queue} lists the runs in progress or waiting and
 * {@code tessera:interrupt} stops them. Gogo finds the public methods named in {@code osgi.command.function}; it
 * gives each command's thread the session's streams as {@code System.out}/{@code System.err}.
 */
@Component(service = TesseraCommands.class, property = {
        "osgi.command.scope=tessera",
        "osgi.command.function=run",
        "osgi.command.function=nodes",
        "osgi.command.function=queue",
        "osgi.command.function=interrupt"})
public final class TesseraCommands {

    private final CommandLine commandLine;
    private final ActiveRuns runs;

    @Activate
    public TesseraCommands(@Reference CommandLine commandLine, @Reference ActiveRuns runs) {
        this.commandLine = commandLine;
        this.runs = runs;
    }

    /** Runs a workflow file (API or UI JSON, or a PNG holding one); prints the files written. Fails on any error. */
    public void run(String file) {
        execute("run", file);
    }

    /** Lists the node types with their inputs and outputs. */
    public void nodes() {
        execute("nodes");
    }

    /** Lists the runs in progress or waiting for the engine. */
    public void queue() {
        print(runs.list(), Instant.now(), System.out);
    }

    /** Stops every run in progress or waiting. */
    public void interrupt() {
        int n = runs.interruptAll();
        System.out.println(n == 0 ? "no run in progress" : "interrupting " + n + " run" + (n == 1 ? "" : "s"));
    }

    private void execute(String... args) {
        int code = commandLine.execute(List.of(args), new CommandIO(System.out, System.err, false));
        System.out.flush();
        // An exception is how a Gogo command fails (a script's next command does not run); the messages are above.
        if (code != 0) throw new IllegalStateException("tessera " + String.join(" ", args) + " failed (exit " + code + ")");
    }

    static void print(List<ActiveRuns.Run> list, Instant now, PrintStream out) {
        if (list.isEmpty()) {
            out.println("no run in progress");
            return;
        }
        for (ActiveRuns.Run r : list) {
            long seconds = Duration.between(r.started(), now).toSeconds();
            out.println(r.promptId() + "  " + r.source() + "  " + seconds + " s");
        }
    }
}
