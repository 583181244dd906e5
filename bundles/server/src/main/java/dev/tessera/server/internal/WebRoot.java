package dev.tessera.server.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The editor's static files: {@code webroot/**} resources of the server bundle (the editor module's build output,
 * unpacked into the bundle at build time), served at {@code /}. Only files with a known static type are served,
 * so a folder is never listed and nothing else in the bundle is reachable; {@code /} is {@code index.html}. When
 * the bundle was built without the editor, {@code /} answers a small placeholder page instead.
 */
public final class WebRoot {

    /** Where the files are inside the bundle. */
    public static final String PREFIX = "webroot/";

    /** The content types of what a front end build emits; anything else is not served. */
    static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("map", "application/json"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("woff", "font/woff"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("ttf", "font/ttf"),
            Map.entry("wasm", "application/wasm"));

    /** A file to send. */
    public record Asset(String path, String contentType, byte[] bytes) {
    }

    private final Function<String, URL> resources;

    /** @param resources looks a resource up by its path in the bundle, e.g. {@code classLoader::getResource} */
    public WebRoot(Function<String, URL> resources) {
        this.resources = resources;
    }

    /** Whether the editor was built into this bundle. */
    public boolean hasEditor() {
        return resources.apply(PREFIX + "index.html") != null;
    }

    /**
     * The file for a request path ({@code /}, {@code /index.html}, {@code /assets/app.js}, ...).
     *
     * @return empty when there is no such file, or the path is not one this serves (folders, unknown types,
     *         {@code ..}, backslashes, control characters)
     * @throws IOException when the bundle's resource cannot be read
     */
    public Optional<Asset> find(String requestPath) throws IOException {
        String path = requestPath == null || requestPath.isEmpty() || requestPath.equals("/") ? "/index.html" : requestPath;
        if (!path.startsWith("/") || path.endsWith("/") || path.contains("\\") || path.contains("//")
                || path.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return Optional.empty();
        }
        String rel = path.substring(1);
        for (String segment : rel.split("/")) {
            if (segment.equals("..") || segment.equals(".") || segment.isEmpty()) return Optional.empty();
        }
        String type = TYPES.get(extension(rel));
        if (type == null) return Optional.empty();
        URL url = resources.apply(PREFIX + rel);
        if (url == null) {
            return rel.equals("index.html") ? Optional.of(placeholder()) : Optional.empty();
        }
        if (url.getProtocol().equals("file")) {
            // Exploded classes (tests, IDE): a folder named like a file is still a folder.
            Path file;
            try {
                file = Paths.get(url.toURI());
            } catch (Exception e) {
                return Optional.empty();
            }
            if (!Files.isRegularFile(file)) return Optional.empty();
        }
        try (InputStream in = url.openStream()) {
            return Optional.of(new Asset(rel, type, in.readAllBytes()));
        }
    }

    /** What {@code /} shows when the bundle was built without the editor. */
    static Asset placeholder() {
        String html = """
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>Tessera</title></head>
                <body>
                <h1>Tessera</h1>
                <p>This server speaks ComfyUI's protocol, but it was built without the editor (the <code>editor</code>
                module). ComfyUI clients and scripts work as usual: see <a href="object_info">/object_info</a>,
                <a href="system_stats">/system_stats</a>, <a href="queue">/queue</a>, <a href="history">/history</a>;
                queue workflows with <code>POST /prompt</code> and follow them on the WebSocket <code>/ws</code>.</p>
                </body></html>
                """;
        return new Asset("index.html", TYPES.get("html"), html.getBytes(StandardCharsets.UTF_8));
    }

    static String extension(String path) {
        int slash = path.lastIndexOf('/');
        int dot = path.lastIndexOf('.');
        return dot <= slash + 1 ? "" : path.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
