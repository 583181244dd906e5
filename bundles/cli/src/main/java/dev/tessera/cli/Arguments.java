package dev.tessera.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A command's arguments split into positionals, options with a value ({@code --out DIR} or {@code --out=DIR})
 * and flags ({@code --json}). {@code --} ends the options. Anything else starting with {@code -} is refused, so a
 * mistyped option never passes for a file name.
 */
public final class Arguments {

    private final List<String> positionals;
    private final Map<String, String> values;
    private final Set<String> flags;

    private Arguments(List<String> positionals, Map<String, String> values, Set<String> flags) {
        this.positionals = Collections.unmodifiableList(positionals);
        this.values = Collections.unmodifiableMap(values);
        this.flags = Collections.unmodifiableSet(flags);
    }

    /**
     * @param valueOptions the options that take a value, with their leading dashes, e.g. {@code --out}
     * @param flagOptions  the options that take none
     */
    public static Arguments parse(List<String> args, Set<String> valueOptions, Set<String> flagOptions) throws UsageException {
        List<String> positionals = new ArrayList<>();
        Map<String, String> values = new LinkedHashMap<>();
        Set<String> flags = new LinkedHashSet<>();
        boolean optionsEnded = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (optionsEnded || !arg.startsWith("-") || arg.equals("-")) {
                positionals.add(arg);
            } else if (arg.equals("--")) {
                optionsEnded = true;
            } else {
                int eq = arg.indexOf('=');
                String name = eq < 0 ? arg : arg.substring(0, eq);
                if (valueOptions.contains(name)) {
                    String value;
                    if (eq >= 0) {
                        value = arg.substring(eq + 1);
                    } else if (i + 1 < args.size()) {
                        value = args.get(++i);
                    } else {
                        throw new UsageException("option " + name + " needs a value");
                    }
                    if (value.isEmpty()) throw new UsageException("option " + name + " needs a non-empty value");
                    if (values.putIfAbsent(name, value) != null) {
                        throw new UsageException("option " + name + " given twice");
                    }
                } else if (flagOptions.contains(name) && eq < 0) {
                    flags.add(name);
                } else {
                    throw new UsageException("unknown option '" + arg + "'" + expected(valueOptions, flagOptions));
                }
            }
        }
        return new Arguments(positionals, values, flags);
    }

    private static String expected(Set<String> valueOptions, Set<String> flagOptions) {
        Set<String> all = new TreeSet<>(valueOptions);
        all.addAll(flagOptions);
        return all.isEmpty() ? " (this command takes no options)" : "; options: " + String.join(", ", all);
    }

    public List<String> positionals() {
        return positionals;
    }

    public Optional<String> value(String option) {
        return Optional.ofNullable(values.get(option));
    }

    public boolean flag(String option) {
        return flags.contains(option);
    }

    /**
     * The option's value as a whole number in [{@code min}, {@code max}], or {@code fallback} when it is absent.
     *
     * @throws UsageException naming the option and the range
     */
    public long number(String option, long fallback, long min, long max) throws UsageException {
        String value = values.get(option);
        if (value == null) {
            return fallback;
        }
        long n;
        try {
            n = Long.parseLong(value);
        } catch (NumberFormatException e) {
            n = min - 1;
        }
        if (n < min || n > max) {
            throw new UsageException(option + " " + value + ": expected a whole number from " + min + " to " + max);
        }
        return n;
    }

    /**
     * The option's value as a finite number in [{@code min}, {@code max}], or {@code fallback} when it is absent.
     *
     * @throws UsageException naming the option and the range
     */
    public double decimal(String option, double fallback, double min, double max) throws UsageException {
        String value = values.get(option);
        if (value == null) {
            return fallback;
        }
        double d;
        try {
            d = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            d = Double.NaN;
        }
        if (!(d >= min && d <= max)) {
            throw new UsageException(option + " " + value + ": expected a number from " + min + " to " + max);
        }
        return d;
    }
}
