package dev.tessera.boot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The framework properties a {@code tessera} command line implies, decided before the framework starts because
 * the Folders service reads them once when it activates:
 * <ul>
 * <li>{@code --out}, {@code --input}, {@code --models}, {@code --temp} DIR set {@code tessera.output.dir},
 * {@code tessera.input.dir}, {@code tessera.models.dir}, {@code tessera.temp.dir} (absolute; an option wins over a
 * {@code -D} of the same property);</li>
 * <li>{@code run wf.json} without an input folder uses the {@code input/} folder next to the workflow when there is
 * one, so a workflow ships with its images;</li>
 * <li>{@code felix.fileinstall.dir} defaults to {@code plugins/} under {@code tessera.home} (the working directory
 * unless set).</li>
 * </ul>
 * The arguments themselves go on unchanged to the command line inside the framework, which checks them again.
 */
final class BootProperties {

    static final Map<String, String> FOLDER_OPTIONS = Map.of(
            "--out", "tessera.output.dir",
            "--input", "tessera.input.dir",
            "--models", "tessera.models.dir",
            "--temp", "tessera.temp.dir");
    static final String INPUT = "tessera.input.dir";
    static final String HOME = "tessera.home";
    static final String PLUGINS = "felix.fileinstall.dir";

    private BootProperties() {
    }

    /**
     * @param cwd      the working directory, for relative paths
     * @param existing the system properties already set (null when unset)
     * @return the properties to set, in a stable order
     */
    static Map<String, String> of(List<String> args, Path cwd, UnaryOperator<String> existing) {
        Map<String, String> props = new LinkedHashMap<>();
        String command = null;
        String firstPositional = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--")) {
                if (i + 1 < args.size() && command != null && firstPositional == null) firstPositional = args.get(i + 1);
                break;
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            String property = FOLDER_OPTIONS.get(name);
            if (property != null) {
                String value = eq >= 0 ? arg.substring(eq + 1) : (i + 1 < args.size() ? args.get(++i) : "");
                // A missing or empty value is left for the command line to report as a usage error.
                if (!value.isEmpty()) props.put(property, absolute(cwd, value));
            } else if (!arg.startsWith("-")) {
                if (command == null) command = arg;
                else if (firstPositional == null) firstPositional = arg;
            }
        }
        if ("run".equals(command) && firstPositional != null && !props.containsKey(INPUT) && existing.apply(INPUT) == null) {
            Path beside = cwd.resolve(firstPositional).toAbsolutePath().normalize().resolveSibling("input");
            if (Files.isDirectory(beside)) props.put(INPUT, beside.toString());
        }
        if (existing.apply(PLUGINS) == null) {
            String home = existing.apply(HOME);
            Path base = home == null || home.isBlank() ? cwd : cwd.resolve(home);
            props.put(PLUGINS, base.resolve("plugins").toAbsolutePath().normalize().toString());
        }
        return props;
    }

    private static String absolute(Path cwd, String value) {
        return cwd.resolve(value).toAbsolutePath().normalize().toString();
    }
}
