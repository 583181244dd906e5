package dev.tessera.server.internal;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.function.Function;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * The server's limits, from framework (or system) properties: {@code tessera.server.maxBodyBytes} (JSON request
 * bodies, default 32 MiB), {@code tessera.server.maxUploadBytes} (uploads, default 100 MiB as ComfyUI),
 * {@code tessera.server.historySize} (prompts kept in the history, default 10000 as ComfyUI) and
 * {@code tessera.server.wsQueueFrames} (messages waiting for one slow WebSocket client, default 512), and
 * {@code tessera.server.queueJournal}: the file that keeps accepted, unfinished prompts across a restart (unset:
 * the queue lives in memory only; {@code serve --persist-queue} sets it).
 */
@Component(service = ServerConfig.class)
public final class ServerConfig {

    public static final long DEFAULT_MAX_BODY = 32L << 20;
    public static final long DEFAULT_MAX_UPLOAD = 100L << 20;
    public static final int DEFAULT_HISTORY = 10_000;
    public static final int DEFAULT_WS_QUEUE = 512;

    private final long maxBodyBytes;
    private final long maxUploadBytes;
    private final int historySize;
    private final int wsQueueFrames;
    private final String version;
    private final Path queueJournal;

    public static final String QUEUE_JOURNAL = "tessera.server.queueJournal";

    @Activate
    public ServerConfig(BundleContext context) {
        this(context::getProperty, context.getBundle().getVersion().toString());
    }

    private ServerConfig(Function<String, String> properties, String version) {
        this(number(properties, "tessera.server.maxBodyBytes", DEFAULT_MAX_BODY),
                number(properties, "tessera.server.maxUploadBytes", DEFAULT_MAX_UPLOAD),
                (int) number(properties, "tessera.server.historySize", DEFAULT_HISTORY),
                (int) number(properties, "tessera.server.wsQueueFrames", DEFAULT_WS_QUEUE), version, path(properties, QUEUE_JOURNAL));
    }

    private ServerConfig(long maxBodyBytes, long maxUploadBytes, int historySize, int wsQueueFrames, String version,
            Path queueJournal) {
        this.queueJournal = queueJournal;
        this.maxBodyBytes = maxBodyBytes;
        this.maxUploadBytes = maxUploadBytes;
        this.historySize = historySize;
        this.wsQueueFrames = wsQueueFrames;
        this.version = version;
    }

    /** Explicit limits (tests, embedding). */
    public static ServerConfig of(long maxBodyBytes, long maxUploadBytes, int historySize, int wsQueueFrames, String version) {
        if (maxBodyBytes < 1 || maxUploadBytes < 1 || historySize < 1 || wsQueueFrames < 1) {
            throw new IllegalArgumentException("server limits must be positive");
        }
        return new ServerConfig(maxBodyBytes, maxUploadBytes, historySize, wsQueueFrames, version, null);
    }

    /** Limits from properties, e.g. {@code System::getProperty}. */
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
}
