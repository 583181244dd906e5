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
 * one, so a workflow ships with its images, and likewise the {@code models/} folder next to it when the working
 * directory has none;</li>
 * <li>{@code felix.fileinstall.dir} defaults to {@code plugins/} under {@code tessera.home} (the working directory
 * unless set);</li>
 * <li>{@code serve} started where {@code sample-workflows/} is (the repository) uses its {@code input/} and
 * {@code models/} when the home's own are empty or missing, so the samples run from the editor as they do from
 * {@code run};</li>
 * <li>{@code serve} turns Felix HTTP and the server on ({@code org.apache.felix.http.enable}, {@code
 * tessera.server.enabled}; off for every other command so they
 * open no port), and its {@code --port N} and {@code --listen ADDR} set {@code org.osgi.service.http.port} and
 * {@code org.apache.felix.http.host} (the application's defaults are 8188 and 127.0.0.1). A value that is not a
 * port or an address leaves HTTP off, for the command to report; its {@code --persist-queue[=FILE]} sets
 * {@code tessera.server.queueJournal} (default {@code tessera-queue.json} in {@code tessera.home}).</li>
 * <li>for every command, the tensor runtime's options, read once when libtorch loads: {@code --device D}
 * ({@code tessera.device}: cpu, gpu, gpu:N), {@code --dtype T} ({@code tessera.dtype}), {@code --allow-download}
 * ({@code tessera.natives.download}: consent to fetch a CUDA libtorch, see {@link NativeLibraries}) and
 * {@code --cudnn-benchmark} (DJL's {@code ai.djl.pytorch.cudnn_benchmark}). These are the launcher's alone:
 * {@link #forCommandLine} takes them out of what the command line inside the framework gets.</li>
 * </ul>
 * The other arguments go on unchanged to the command line inside the framework, which checks them again.
 */
final class BootProperties {

    static final Map<String, String> FOLDER_OPTIONS = Map.of(
            "--out", "tessera.output.dir",
            "--input", "tessera.input.dir",
            "--models", "tessera.models.dir",
            "--temp", "tessera.temp.dir");
    static final String INPUT = "tessera.input.dir";
    static final String MODELS = "tessera.models.dir";
    static final String HOME = "tessera.home";
    /** The repository's sample folder, whose input/ and models/ {@code serve} uses when started there. */
    static final String SAMPLES = "sample-workflows";
    static final String PLUGINS = "felix.fileinstall.dir";
    static final String HTTP_ENABLE = "org.apache.felix.http.enable";
    static final String HTTP_PORT = "org.osgi.service.http.port";
    static final String HTTP_HOST = "org.apache.felix.http.host";
    /** The server's own switch (in a host it is off until configured). */
    static final String SERVER_ENABLED = "tessera.server.enabled";
    static final String QUEUE_JOURNAL = "tessera.server.queueJournal";
    static final String DEFAULT_QUEUE_JOURNAL = "tessera-queue.json";
    static final String DEVICE = "tessera.device";
    static final String DTYPE = "tessera.dtype";
    /** Options with a value that only the launcher reads, and the property each sets. */
    static final Map<String, String> RUNTIME_OPTIONS = Map.of("--device", DEVICE, "--dtype", DTYPE);
    /** Flags that only the launcher reads, and the property each sets to true. */
    static final Map<String, String> RUNTIME_FLAGS = Map.of(
            "--allow-download", NativeLibraries.DOWNLOAD_PROPERTY,
            "--cudnn-benchmark", "ai.djl.pytorch.cudnn_benchmark");

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
        String port = null;
        String listen = null;
        String journal = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--")) {
                if (i + 1 < args.size() && command != null && firstPositional == null) firstPositional = args.get(i + 1);
                break;
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            String property = FOLDER_OPTIONS.get(name);
            if (RUNTIME_FLAGS.containsKey(arg)) {
                props.put(RUNTIME_FLAGS.get(arg), "true");
            } else if (RUNTIME_OPTIONS.containsKey(name)) {
                String value = eq >= 0 ? arg.substring(eq + 1) : (i + 1 < args.size() ? args.get(++i) : "");
                props.put(RUNTIME_OPTIONS.get(name), value);
            } else if (name.equals("--port") || name.equals("--listen")) {
                String value = eq >= 0 ? arg.substring(eq + 1) : (i + 1 < args.size() ? args.get(++i) : "");
                if (name.equals("--port")) port = value;
                else listen = value;
            } else if (name.equals("--persist-queue")) {
                journal = eq >= 0 ? arg.substring(eq + 1) : DEFAULT_QUEUE_JOURNAL;
            } else if (property != null) {
                String value = eq >= 0 ? arg.substring(eq + 1) : (i + 1 < args.size() ? args.get(++i) : "");
                // A missing or empty value is left for the command line to report as a usage error.
                if (!value.isEmpty()) props.put(property, absolute(cwd, value));
            } else if (!arg.startsWith("-")) {
                if (command == null) command = arg;
                else if (firstPositional == null) firstPositional = arg;
            }
        }
        if ("run".equals(command) && firstPositional != null) {
            Path workflow = cwd.resolve(firstPositional).toAbsolutePath().normalize();
            besideWorkflow(props, existing, INPUT, workflow.resolveSibling("input"));
            // The models folder of the working directory (or tessera.home) wins when it holds anything: users keep
            // one. An empty one (the host makes its folders on a first run) does not hide the workflow's models.
            String home = existing.apply(HOME);
            Path homeModels = (home == null || home.isBlank() ? cwd : cwd.resolve(home)).resolve("models");
            if (isEmptyOrMissing(homeModels)) besideWorkflow(props, existing, MODELS, workflow.resolveSibling("models"));
        }
        if ("serve".equals(command)) {
            // Started from the repository: the samples' images and tiny models, as `run sample-workflows/x.json`
            // finds them, unless the home has its own (non-empty) input/ or models/.
            String home = existing.apply(HOME);
            Path base = home == null || home.isBlank() ? cwd : cwd.resolve(home);
            Path samples = base.resolve(SAMPLES).toAbsolutePath().normalize();
            if (isEmptyOrMissing(base.resolve("input"))) besideWorkflow(props, existing, INPUT, samples.resolve("input"));
            if (isEmptyOrMissing(base.resolve("models"))) besideWorkflow(props, existing, MODELS, samples.resolve("models"));
            boolean portOk = port == null || isPort(port);
            String host = listen != null && listen.startsWith("[") && listen.endsWith("]")
                    ? listen.substring(1, listen.length() - 1) : listen;
            boolean hostOk = host == null || host.matches("[A-Za-z0-9.:%_-]+");
            if (portOk && hostOk) {
                props.put(HTTP_ENABLE, "true");
                props.put(SERVER_ENABLED, "true");
                if (port != null) props.put(HTTP_PORT, port);
                if (host != null) props.put(HTTP_HOST, host);
            }
            if (journal != null && !journal.isEmpty()) {
                props.put(QUEUE_JOURNAL, absolute(base, journal));
            }
        }
        if (existing.apply(PLUGINS) == null) {
            String home = existing.apply(HOME);
            Path base = home == null || home.isBlank() ? cwd : cwd.resolve(home);
            props.put(PLUGINS, base.resolve("plugins").toAbsolutePath().normalize().toString());
        }
        return props;
    }

    /** The arguments without the launcher's own runtime options (before {@code --}), for the command line. */
    static List<String> forCommandLine(List<String> args) {
        List<String> rest = new java.util.ArrayList<>(args.size());
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--")) {
                rest.addAll(args.subList(i, args.size()));
                break;
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            if (RUNTIME_FLAGS.containsKey(arg)) continue;
            if (RUNTIME_OPTIONS.containsKey(name)) {
                if (eq < 0) i++;
                continue;
            }
            rest.add(arg);
        }
        return rest;
    }

    private static void besideWorkflow(Map<String, String> props, UnaryOperator<String> existing, String property,
                                       Path folder) {
        if (!props.containsKey(property) && existing.apply(property) == null && Files.isDirectory(folder)) {
            props.put(property, folder.toString());
        }
    }

    private static boolean isEmptyOrMissing(Path folder) {
        if (!Files.isDirectory(folder)) return true;
        try (var entries = Files.list(folder)) {
            return entries.findAny().isEmpty();
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static boolean isPort(String text) {
        try {
            int p = Integer.parseInt(text);
            return p >= 1 && p <= 65535;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String absolute(Path cwd, String value) {
        return cwd.resolve(value).toAbsolutePath().normalize().toString();
    }
}
