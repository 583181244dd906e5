package dev.tessera.cli;

import java.util.List;

/**
 * One subcommand of {@code tessera} ({@code run}, {@code nodes}, ...). Register implementations as OSGi services;
 * the command line dispatches on {@link #name()}.
 */
public interface Command {

    /** Exit code of a command that did what was asked. */
    int OK = 0;
    /** Exit code of a command that could not: invalid workflow, failed node, unreadable file. */
    int FAILED = 1;
    /** Exit code of a command line that is wrong: unknown command or option, missing argument. */
    int USAGE = 2;

    /** The word that selects this command, e.g. {@code run}. */
    String name();

    /** The arguments after the name, for the usage line, e.g. {@code <workflow.json> [--out DIR]}. */
    String synopsis();

    /** One sentence for the command list. */
    String summary();

    /**
     * Runs the command.
     *
     * @param args the arguments after the command name
     * @return {@link #OK}, {@link #FAILED}, or another non-zero code the command documents
     * @throws UsageException when the arguments are wrong; the caller prints the message and the usage line and
     *                        exits with {@link #USAGE}
     */
    int execute(List<String> args, CommandIO io) throws UsageException;
}
