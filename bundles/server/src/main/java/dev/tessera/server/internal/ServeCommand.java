package dev.tessera.server.internal;

import dev.tessera.cli.Command;
import dev.tessera.cli.CommandIO;
import dev.tessera.cli.UsageException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.servlet.runtime.HttpServiceRuntime;

/**
 * {@code tessera serve [--port N] [--listen ADDR]}: keeps the framework, and so the HTTP server and editor, running
 * until the process is interrupted. Like the folder options, {@code --port} and {@code --listen} take effect when the
 * framework starts (the launcher turns them into Felix HTTP's {@code org.osgi.service.http.port} and
 * {@code org.apache.felix.http.host} and enables HTTP, which the other commands leave off); here they are checked
 * against the address the HTTP runtime actually listens on, which is printed on stdout.
 */
@Component(service = Command.class)
public final class ServeCommand implements Command {

    /** ComfyUI's port, so clients' defaults find the server. */
    public static final int DEFAULT_PORT = 8188;
    public static final String DEFAULT_LISTEN = "127.0.0.1";
    static final Set<String> FOLDER_OPTIONS = Set.of("--out", "--input", "--models", "--temp");
    /** How long Jetty may take to start listening after the framework reported it ready. */
    private static final long START_WAIT_MILLIS = 20_000;

    /** The parsed command line. */
    record Options(int port, String listen, boolean help, boolean persistQueue) {
        static Options parse(List<String> args) throws UsageException {
            int port = DEFAULT_PORT;
            String listen = DEFAULT_LISTEN;
            boolean help = false;
            boolean persistQueue = false;
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                int eq = arg.indexOf('=');
                String name = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
                String inline = arg.startsWith("--") && eq > 0 ? arg.substring(eq + 1) : null;
                switch (name) {
                    case "--help", "-h" -> help = true;
                    case "--port" -> port = port(value(args, i, name, inline));
                    case "--listen" -> listen = listen(value(args, i, name, inline));
                    case "--persist-queue" -> {
                        // The file (default tessera-queue.json in tessera.home) is set by the launcher, as --port.
                        if (inline != null && inline.isEmpty()) throw new UsageException("--persist-queue= needs a file name");
                        persistQueue = true;
                    }
                    default -> {
                        if (!FOLDER_OPTIONS.contains(name)) {
                            throw new UsageException(arg.startsWith("-") ? "unknown option " + arg
                                    : "serve takes no workflow or other argument, got '" + arg + "'");
                        }
                        value(args, i, name, inline); // applied by the launcher; only its presence is checked
                    }
                }
                if (inline == null && (name.equals("--port") || name.equals("--listen") || FOLDER_OPTIONS.contains(name))) i++;
            }
            return new Options(port, listen, help, persistQueue);
        }

        private static String value(List<String> args, int i, String name, String inline) throws UsageException {
            String v = inline != null ? inline : i + 1 < args.size() ? args.get(i + 1) : null;
            if (v == null || v.isEmpty() || (inline == null && v.startsWith("--"))) {
                throw new UsageException(name + " needs a value");
            }
            return v;
        }

        static int port(String text) throws UsageException {
            try {
                int p = Integer.parseInt(text);
                if (p >= 1 && p <= 65535) return p;
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new UsageException("--port must be a TCP port between 1 and 65535, got '" + text + "'");
        }

        static String listen(String text) throws UsageException {
            String host = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
            if (!host.matches("[A-Za-z0-9.:%_-]+")) {
                throw new UsageException("--listen must be an IP address or host name, got '" + text + "'");
            }
            return host;
        }
    }

    private final BundleContext context;
    private final CountDownLatch stopped = new CountDownLatch(1);

    @Activate
    public ServeCommand(BundleContext context) {
        this.context = context;
    }

    @Deactivate
    void deactivate() {
        stopped.countDown();
    }

    @Override
    public String name() {
        return "serve";
    }

    @Override
    public String synopsis() {
        return "[--port N] [--listen ADDR] [--persist-queue[=FILE]] [--out DIR] [--input DIR] [--models DIR] [--temp DIR]";
    }

    @Override
    public String summary() {
        return "Serve ComfyUI's HTTP and WebSocket API and the editor (default http://127.0.0.1:8188/) until interrupted.";
    }

    @Override
    public int execute(List<String> args, CommandIO io) throws UsageException {
        Options options = Options.parse(args);
        if (options.help()) {
            io.out().println("usage: tessera serve " + synopsis());
            io.out().println(summary());
            io.out().println("--listen 0.0.0.0 makes it reachable from other machines: anyone who can reach it can run"
                    + " workflows and read the output, input and temp folders.");
            return OK;
        }
        List<URI> endpoints;
        try {
            endpoints = awaitEndpoints();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OK;
        }
        if (endpoints.isEmpty()) {
            io.err().println("error: the HTTP server is not listening on " + options.listen() + ":" + options.port()
                    + " after " + START_WAIT_MILLIS / 1000 + " s: is the port in use by another program, or the address"
                    + " not one of this machine's?");
            return FAILED;
        }
        List<String> mismatches = mismatches(options, endpoints);
        if (!mismatches.isEmpty()) {
            mismatches.forEach(m -> io.err().println("error: " + m));
            io.err().println("--port and --listen take effect when the framework starts: give them to the tessera"
                    + " launcher, or set the framework properties org.osgi.service.http.port and org.apache.felix.http.host.");
            return FAILED;
        }
        // Looked up here rather than referenced: the command line binds every command, and the queue (with its
        // worker thread) should only start when serving.
        ServiceReference<PromptQueue> queueRef = context.getServiceReference(PromptQueue.class);
        PromptQueue queue = queueRef == null ? null : context.getService(queueRef);
        if (options.persistQueue() && (queue == null || queue.journal() == null)) {
            io.err().println("error: --persist-queue takes effect when the framework starts: give it to the tessera launcher,"
                    + " or set the framework property " + ServerConfig.QUEUE_JOURNAL + " to the journal's file");
            return FAILED;
        }
        URI url = endpoints.get(0);
        if (!isLoopback(options.listen())) {
            io.err().println("warning: listening on " + options.listen() + ": anyone who can reach it can run workflows"
                    + " and read the output, input and temp folders");
        }
        io.out().println(url);
        io.out().flush();
        io.err().println("tessera: serving ComfyUI's API and the editor at " + url + " (Ctrl+C stops it)");
        if (queue != null && queue.journal() != null) {
            // Only now: every node bundle has registered its types, so the journal's prompts validate as before.
            PromptQueue.Resumed resumed = queue.resume();
            io.err().println("tessera: queue kept in " + queue.journal() + "; " + resumed.queued().size()
                    + " prompt(s) from before the restart queued again");
            resumed.refused().forEach(r -> io.err().println("warning: not queued again: " + r));
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (queue != null) {
                try {
                    context.ungetService(queueRef);
                } catch (IllegalStateException e) {
                    // the bundle is stopping: its services are released anyway
                }
            }
        }
        return OK;
    }

    /** The HTTP runtime's endpoints, waiting for Jetty to start listening. */
    private List<URI> awaitEndpoints() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_WAIT_MILLIS);
        while (true) {
            List<URI> found = endpoints();
            if (!found.isEmpty() || System.nanoTime() > deadline || stopped.getCount() == 0) return found;
            Thread.sleep(100);
        }
    }

    private List<URI> endpoints() {
        List<URI> out = new ArrayList<>();
        Collection<ServiceReference<HttpServiceRuntime>> refs;
        try {
            refs = context.getServiceReferences(HttpServiceRuntime.class, null);
        } catch (InvalidSyntaxException | IllegalStateException e) {
            return out;
        }
        for (ServiceReference<HttpServiceRuntime> ref : refs) {
            Object value = ref.getProperty("osgi.http.endpoint");
            List<Object> values = new ArrayList<>();
            if (value instanceof String s) values.add(s);
            else if (value instanceof String[] a) values.addAll(List.of(a));
            else if (value instanceof Collection<?> c) values.addAll(c);
            for (Object v : values) {
                try {
                    URI uri = URI.create(String.valueOf(v));
                    if (uri.getPort() > 0) out.add(uri);
                } catch (IllegalArgumentException e) {
                    // not an address; skip it
                }
            }
        }
        return out;
    }

    /** Where the runtime listens differs from what was asked: the options were not applied at start. */
    static List<String> mismatches(Options options, List<URI> endpoints) {
        List<String> problems = new ArrayList<>();
        if (endpoints.stream().noneMatch(u -> u.getPort() == options.port())) {
            problems.add("--port " + options.port() + " was not applied: the HTTP server listens on " + endpoints);
        }
        String wanted = options.listen().toLowerCase(Locale.ROOT);
        boolean any = wanted.equals("0.0.0.0") || wanted.equals("::");
        if (!any && endpoints.stream().noneMatch(u -> wanted.equals(hostOf(u)))) {
            problems.add("--listen " + options.listen() + " was not applied: the HTTP server listens on " + endpoints);
        }
        return problems;
    }

    private static String hostOf(URI uri) {
        String h = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.startsWith("127.") || h.equals("::1");
    }
}
