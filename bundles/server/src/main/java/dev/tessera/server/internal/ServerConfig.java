package dev.tessera.server.internal;

import dev.tessera.graph.api.HostSettings;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The server's settings. Each is the Config Admin configuration of PID {@value #PID} (key without the
 * {@code tessera.server.} prefix), else the framework (or system) property:
 * <ul>
 * <li>{@code tessera.server.enabled}: whether the HTTP API and editor are served at all (default false; the
 * launcher sets it for {@code tessera serve}, so in a host such as Karaf the API stays off until configured);</li>
 * <li>{@code tessera.server.port}, {@code tessera.server.listen}: serve only on the host's HTTP runtime that listens
 * on this port (and address); unset: on every HTTP runtime of the framework (the standalone app has one, whose
 * port and address the launcher sets);</li>
 * <li>{@code tessera.server.allowedOrigins}: comma-separated browser origins (e.g. {@code https://app.example})
 * allowed besides same-origin requests;</li>
 * <li>{@code tessera.server.maxBodyBytes} (JSON request bodies, default 32 MiB), {@code maxUploadBytes}
 * (uploads, default 100 MiB as ComfyUI), {@code historySize} (prompts kept in the history, default 10000 as
 * ComfyUI), {@code wsQueueFrames} (messages waiting for one slow WebSocket client, default 512) and
 * {@code queueJournal}: the file that keeps accepted, unfinished prompts across a restart (unset: the queue lives
 * in memory only; {@code serve --persist-queue} sets it).</li>
 * </ul>
 * A changed configuration re-activates the server's components (the in-memory queue and history start empty).
 */
@Component(service = ServerConfig.class, configurationPid = ServerConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = ServerConfig.Config.class)
public final class ServerConfig {

    public static final String PID = "dev.tessera.server";
    static final String PREFIX = "tessera.server.";

    /** Blank attributes fall back to the framework properties {@code tessera.server.<name>}. */
    @ObjectClassDefinition(id = PID, name = "Tessera HTTP API",
            description = "ComfyUI's HTTP and WebSocket API and the editor, on the framework's HTTP whiteboard."
                    + " Empty attributes: the framework property tessera.server.<name>, else the default.")
    public @interface Config {
        @AttributeDefinition(required = false, description = "Serve the API and the editor (true/false; default false)")
        String enabled() default "";

        @AttributeDefinition(required = false, description = "Serve only on the HTTP runtime listening on this port (default: every runtime)")
        String port() default "";

        @AttributeDefinition(required = false, description = "Serve only on the HTTP runtime listening on this address (with port)")
        String listen() default "";

        @AttributeDefinition(required = false, description = "Browser origins allowed besides same-origin, e.g. https://app.example")
        String[] allowedOrigins() default {};

        @AttributeDefinition(required = false, description = "Largest JSON request body in bytes (default 32 MiB)")
        String maxBodyBytes() default "";

        @AttributeDefinition(required = false, description = "Largest upload in bytes (default 100 MiB)")
        String maxUploadBytes() default "";

        @AttributeDefinition(required = false, description = "Prompts kept in the history (default 10000)")
        String historySize() default "";

        @AttributeDefinition(required = false, description = "Messages waiting for one slow WebSocket client (default 512)")
        String wsQueueFrames() default "";

        @AttributeDefinition(required = false, description = "File keeping unfinished prompts across a restart (default: none)")
        String queueJournal() default "";
    }

    public static final long DEFAULT_MAX_BODY = 32L << 20;
    public static final long DEFAULT_MAX_UPLOAD = 100L << 20;
    public static final int DEFAULT_HISTORY = 10_000;
    public static final int DEFAULT_WS_QUEUE = 512;

    public static final String QUEUE_JOURNAL = PREFIX + "queueJournal";
    public static final String ENABLED = PREFIX + "enabled";

    private final long maxBodyBytes;
    private final long maxUploadBytes;
    private final int historySize;
    private final int wsQueueFrames;
    private final String version;
    private final Path queueJournal;
    private final boolean enabled;
    private final Integer port;
    private final String listen;
    private final List<String> allowedOrigins;

    @Activate
    public ServerConfig(BundleContext context, Map<String, Object> properties) {
        this(HostSettings.layered(properties, PREFIX, context::getProperty), context.getBundle().getVersion().toString());
    }

    private ServerConfig(Function<String, String> properties, String version) {
        this.maxBodyBytes = number(properties, PREFIX + "maxBodyBytes", DEFAULT_MAX_BODY);
        this.maxUploadBytes = number(properties, PREFIX + "maxUploadBytes", DEFAULT_MAX_UPLOAD);
        this.historySize = (int) number(properties, PREFIX + "historySize", DEFAULT_HISTORY);
        this.wsQueueFrames = (int) number(properties, PREFIX + "wsQueueFrames", DEFAULT_WS_QUEUE);
        this.version = version;
        this.queueJournal = path(properties, QUEUE_JOURNAL);
        this.enabled = bool(properties, ENABLED);
        String portText = properties.apply(PREFIX + "port");
        this.port = portText == null || portText.isBlank() ? null : (int) number(properties, PREFIX + "port", 0);
        if (port != null && port > 65535) {
            throw new IllegalArgumentException(PREFIX + "port must be a TCP port between 1 and 65535, got " + port);
        }
        this.listen = listen(properties.apply(PREFIX + "listen"));
        if (listen != null && port == null) {
            throw new IllegalArgumentException(PREFIX + "listen (" + listen + ") needs " + PREFIX + "port as well");
        }
        String origins = properties.apply(PREFIX + "allowedOrigins");
        this.allowedOrigins = origins == null ? List.of()
                : Arrays.stream(origins.split(",")).map(String::strip).filter(o -> !o.isEmpty()).map(ServerConfig::origin).toList();
    }

    private ServerConfig(long maxBodyBytes, long maxUploadBytes, int historySize, int wsQueueFrames, String version) {
        this.maxBodyBytes = maxBodyBytes;
        this.maxUploadBytes = maxUploadBytes;
        this.historySize = historySize;
        this.wsQueueFrames = wsQueueFrames;
        this.version = version;
        this.queueJournal = null;
        this.enabled = true;
        this.port = null;
        this.listen = null;
        this.allowedOrigins = List.of();
    }

    /** Explicit limits (tests, embedding). */
    public static ServerConfig of(long maxBodyBytes, long maxUploadBytes, int historySize, int wsQueueFrames, String version) {
        if (maxBodyBytes < 1 || maxUploadBytes < 1 || historySize < 1 || wsQueueFrames < 1) {
            throw new IllegalArgumentException("server limits must be positive");
        }
        return new ServerConfig(maxBodyBytes, maxUploadBytes, historySize, wsQueueFrames, version);
    }

    /** Settings from properties named as the framework properties, e.g. {@code System::getProperty}. */
    public static ServerConfig fromProperties(Function<String, String> properties, String version) {
        return new ServerConfig(properties, version);
    }

    private static Path path(Function<String, String> properties, String key) {
        String text = properties.apply(key);
        if (text == null || text.isBlank()) return null;
        try {
            return Path.of(text.strip()).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(key + " must be a file path, got '" + text + "'");
        }
    }

    private static boolean bool(Function<String, String> properties, String key) {
        String text = properties.apply(key);
        if (text == null || text.isBlank()) return false;
        return switch (text.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false, got '" + text + "'");
        };
    }

    private static String listen(String text) {
        if (text == null || text.isBlank()) return null;
        String t = text.strip();
        String host = t.startsWith("[") && t.endsWith("]") ? t.substring(1, t.length() - 1) : t;
        // Also keeps the whiteboard target filter made from it free of the filter syntax's special characters.
        if (!host.matches("[A-Za-z0-9.:%_-]+")) {
            throw new IllegalArgumentException(PREFIX + "listen must be an IP address or host name, got '" + text + "'");
        }
        return host;
    }

    private static String origin(String text) {
        java.net.URI uri;
        try {
            uri = java.net.URI.create(text);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || uri.getScheme() == null || uri.getHost() == null || (uri.getPath() != null && !uri.getPath().isEmpty())) {
            throw new IllegalArgumentException(PREFIX + "allowedOrigins: '" + text
                    + "' is not an origin (scheme://host[:port], no path), e.g. https://app.example");
        }
        return text.toLowerCase(java.util.Locale.ROOT);
    }

    private static long number(Function<String, String> properties, String key, long fallback) {
        String text = properties.apply(key);
        if (text == null || text.isBlank()) return fallback;
        long value;
        try {
            value = Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + text + "'");
        }
        if (value < 1 || value > Integer.MAX_VALUE && !key.endsWith("Bytes")) {
            throw new IllegalArgumentException(key + " must be between 1 and " + Integer.MAX_VALUE + ", got " + value);
        }
        return value;
    }

    public long maxBodyBytes() {
        return maxBodyBytes;
    }

    public long maxUploadBytes() {
        return maxUploadBytes;
    }

    public int historySize() {
        return historySize;
    }

    public int wsQueueFrames() {
        return wsQueueFrames;
    }

    /** Where accepted, unfinished prompts are kept across a restart, or null to keep them in memory only. */
    public Path queueJournal() {
        return queueJournal;
    }

    /** The server bundle's version, reported by {@code /system_stats}. */
    public String version() {
        return version;
    }

    /** Whether the API and the editor are served. */
    public boolean enabled() {
        return enabled;
    }

    /** Browser origins allowed besides same-origin requests, lower case. */
    public List<String> allowedOrigins() {
        return allowedOrigins;
    }

    /**
     * The filter on the HTTP runtimes' {@code osgi.http.endpoint} that selects the one(s) to serve on, or null for
     * every runtime: port only (any address) or address and port.
     */
    public String whiteboardTarget() {
        if (port == null) return null;
        if (listen == null || listen.equals("0.0.0.0") || listen.equals("::")) {
            return "(osgi.http.endpoint=*:" + port + "/*)";
        }
        String host = listen.contains(":") ? "[" + listen + "]" : listen;
        return "(|(osgi.http.endpoint=http://" + host + ":" + port + "/*)(osgi.http.endpoint=https://" + host + ":" + port + "/*))";
    }
}
