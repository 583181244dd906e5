package dev.tessera.cli;

import java.util.List;

/**
 * Runs a {@code tessera} command line ({@code run wf.json --out DIR}, {@code nodes}, {@code help}) inside the
 * running framework and returns its exit code; the launcher's main thread calls it with the process arguments.
 * Never throws: every failure is reported on {@link CommandIO#err()} and becomes a non-zero code.
 */
public interface CommandLine {

    int execute(List<String> args, CommandIO io);
}
