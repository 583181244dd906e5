package dev.tessera.conformance.runner;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.conformance.ConformanceFamily;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code tessera conformance <pack-dir> [--only <family>...]} as plain Java, for any command-line front end:
 * parses the arguments, runs the pack, prints the report and returns the exit code.
 */
public final class ConformanceCommand {

    public static final String USAGE = "usage: tessera conformance <pack-dir> [--only <family>...]";
    public static final String DESCRIPTION = "Runs every case of a conformance pack (files under <family>/cases/,"
            + " <family>/cases.<ext>, schedulers/) and prints each one's relative errors; --only keeps the named"
            + " families (top-level folders).";

    /** Every case ran passed (and at least one did). */
    public static final int EXIT_PASSED = 0;
    /** Some case failed, or no case passed (everything selected was skipped). */
    public static final int EXIT_FAILED = 1;
    /** Bad arguments, or a pack that is missing, empty or lacks a family named by {@code --only}. */
    public static final int EXIT_USAGE = 2;

    private ConformanceCommand() {}

    /**
     * Runs the command.
     *
     * @param args the arguments after {@code conformance}
     * @param manager parent manager of the cases' tensors (its device is where they run); not closed here
     * @param dtype the dtype models compute in
     */
    public static int execute(List<String> args, List<? extends ConformanceFamily> families, NDManager manager,
            DataType dtype, PrintStream out, PrintStream err) {
        Arguments parsed;
        try {
            parsed = Arguments.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("conformance: " + e.getMessage());
            err.println(USAGE);
            return EXIT_USAGE;
        }
        if (parsed.help()) {
            out.println(USAGE);
            out.println(DESCRIPTION);
            return EXIT_PASSED;
        }
        return run(parsed, families, manager, dtype, out, err);
    }

    /** Runs parsed arguments (a front end that reports usage errors its own way parses first). */
    public static int run(Arguments parsed, List<? extends ConformanceFamily> families, NDManager manager,
            DataType dtype, PrintStream out, PrintStream err) {
        ConformanceReport report;
        try {
            report = new ConformanceRunner(families).run(parsed.pack(), parsed.only(), manager, dtype, out::println);
        } catch (IllegalArgumentException e) {
            err.println("conformance: " + e.getMessage());
            return EXIT_USAGE;
        } finally {
            out.flush();
        }
        if (report.passed() == 0 && report.failed() == 0) {
            err.println("conformance: no case ran (every selected family is unimplemented)");
        }
        return report.succeeded() ? EXIT_PASSED : EXIT_FAILED;
    }

    /** Runs with the built-in families on the CPU in float32, outside OSGi (DJL's engine on the class path). */
    public static void main(String[] args) {
        int code;
        try (NDManager manager = NDManager.newBaseManager()) {
            code = execute(List.of(args), Families.builtin(), manager, DataType.FLOAT32, System.out, System.err);
        }
        System.exit(code);
    }

    /**
     * A parsed command line.
     *
     * @param pack the pack directory (null with {@code help})
     * @param only the families to run, empty for all
     * @param help whether {@code -h}/{@code --help} was given
     */
    public record Arguments(Path pack, Set<String> only, boolean help) {

        /**
         * Parses the arguments after {@code conformance}: the pack directory first, then {@code --only} and
         * family names.
         *
         * @throws IllegalArgumentException saying what is wrong
         */
        public static Arguments parse(List<String> args) {
            Path pack = null;
            Set<String> only = new LinkedHashSet<>();
            boolean inOnly = false;
            List<String> extra = new ArrayList<>();
            for (String arg : args) {
                if (arg.equals("-h") || arg.equals("--help")) {
                    return new Arguments(null, Set.of(), true);
                } else if (arg.equals("--only")) {
                    inOnly = true;
                } else if (arg.startsWith("-")) {
                    throw new IllegalArgumentException("unknown option " + arg);
                } else if (inOnly) {
                    only.add(arg);
                } else if (pack == null) {
                    pack = Path.of(arg);
                } else {
                    extra.add(arg);
                }
            }
            if (pack == null) {
                throw new IllegalArgumentException("missing <pack-dir>");
            }
            if (!extra.isEmpty()) {
                throw new IllegalArgumentException("unexpected arguments " + extra
                        + " (families go after --only)");
            }
            if (inOnly && only.isEmpty()) {
                throw new IllegalArgumentException("--only needs at least one family");
            }
            return new Arguments(pack, only, false);
        }
    }
}
