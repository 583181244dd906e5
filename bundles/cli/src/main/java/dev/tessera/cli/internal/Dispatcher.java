package dev.tessera.cli.internal;

import dev.tessera.cli.Command;
import dev.tessera.cli.CommandIO;
import dev.tessera.cli.CommandLine;
import dev.tessera.cli.UsageException;
import java.io.PrintStream;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.runtime.ServiceComponentRuntime;

/**
 * The {@code tessera} command line: picks the {@link Command} service named by the first argument and turns
 * whatever goes wrong into a message and an exit code, never a stack trace (unless {@code tessera.debug=true}).
 */
@Component(service = CommandLine.class)
public final class Dispatcher implements CommandLine {

    static final Set<String> HELP = Set.of("help", "--help", "-h");
    static final String DEBUG_PROPERTY = "tessera.debug";
    /** Shows log records (java.util.logging) on stderr; without it a command's problems are its own lines only. */
    static final String VERBOSE = "--verbose";
    static final String PLUGIN_WAIT_PROPERTY = "tessera.plugins.wait.ms";

    private final BundleContext context;
    private final ServiceComponentRuntime scr;

    /** Dynamic: commands come and go with their bundles without restarting a command line that is running. */
    @Reference(service = Command.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<Command> commands;

    @Activate
    public Dispatcher(BundleContext context,
            @Reference(name = "scr", cardinality = ReferenceCardinality.OPTIONAL) ServiceComponentRuntime scr) {
        this.context = context;
        this.scr = scr;
    }

    @Override
    public int execute(List<String> args, CommandIO io) {
        List<String> rest = withoutVerbose(args);
        try (LogRecords logs = LogRecords.during(rest.size() < args.size())) {
            return dispatch(rest, io);
        } catch (RuntimeException | LinkageError e) {
            io.err().println("error: " + describe(e));
            if (debug()) e.printStackTrace(io.err());
            return Command.FAILED;
        } finally {
            io.out().flush();
            io.err().flush();
        }
    }

    /** The arguments without {@value #VERBOSE} (taken anywhere before {@code --}, for every command). */
    static List<String> withoutVerbose(List<String> args) {
        List<String> rest = new java.util.ArrayList<>(args.size());
        boolean options = true;
        for (String a : args) {
            if (a.equals("--")) options = false;
            if (!(options && a.equals(VERBOSE))) rest.add(a);
        }
        return rest;
    }

    private int dispatch(List<String> args, CommandIO io) {
        if (args.isEmpty()) {
            usage(io.err());
            return Command.USAGE;
        }
        String name = args.get(0);
        List<String> rest = args.subList(1, args.size());
        if (HELP.contains(name)) return help(rest, io);
        new PluginFolder(context, scr, pluginWaitMillis()).awaitPlugins(io.err());
        Optional<Command> command = find(name);
        if (command.isEmpty()) {
            io.err().println("error: unknown command '" + name + "'");
            usage(io.err());
            explainInactive(io.err());
            return Command.USAGE;
        }
        int code;
        try {
            code = command.get().execute(rest, io);
        } catch (UsageException e) {
            io.err().println("error: " + e.getMessage());
            io.err().println("usage: tessera " + name + " " + command.get().synopsis());
            return Command.USAGE;
        }
        if (code != Command.OK) explainInactive(io.err());
        return code;
    }

    private int help(List<String> rest, CommandIO io) {
        if (rest.isEmpty()) {
            usage(io.out());
            return Command.OK;
        }
        Optional<Command> command = find(rest.get(0));
        if (command.isEmpty()) {
            io.err().println("error: unknown command '" + rest.get(0) + "'");
            usage(io.err());
            return Command.USAGE;
        }
        io.out().println("usage: tessera " + command.get().name() + " " + command.get().synopsis());
        io.out().println("  " + command.get().summary());
        return Command.OK;
    }

    private void usage(PrintStream to) {
        to.println("usage: tessera [--verbose] <command> [arguments]");
        to.println("commands:");
        for (Command c : sorted()) {
            to.printf("  %-10s %s%n", c.name(), c.summary());
            to.printf("  %-10s   tessera %s %s%n", "", c.name(), c.synopsis());
        }
        to.printf("  %-10s %s%n", "help", "Show this list, or the usage of one command: tessera help <command>.");
    }

    private Optional<Command> find(String name) {
        return sorted().stream().filter(c -> c.name().equals(name)).findFirst();
    }

    private List<Command> sorted() {
        List<Command> now = commands;
        return now == null ? List.of() : now.stream().sorted(Comparator.comparing(Command::name)).toList();
    }

    private void explainInactive(PrintStream err) {
        List<String> problems = Diagnostics.problems(context, scr);
        if (problems.isEmpty()) return;
        err.println("note: not everything in this framework is running:");
        problems.forEach(p -> err.println("  " + p));
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message)
                + " (set -D" + DEBUG_PROPERTY + "=true for the stack trace)";
    }

    private boolean debug() {
        return Boolean.parseBoolean(context.getProperty(DEBUG_PROPERTY));
    }

    private long pluginWaitMillis() {
        String value = context.getProperty(PLUGIN_WAIT_PROPERTY);
        try {
            return value == null ? 10_000 : Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return 10_000;
        }
    }
}
