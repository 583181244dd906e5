package dev.tessera.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Tessera in a host that has Config Admin and its own running HTTP server (a second Felix framework in this JVM
 * with the host parts of tessera.jar and Felix's Config Admin): the HTTP API is off until the PID
 * {@code dev.tessera.server} enables it, its port/address select the HTTP runtime, its allowed origins pass the
 * origin check, and {@code dev.tessera.folders} moves the folders, over the framework properties.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostConfigurationIT {

    static final Set<String> BUNDLES = Set.of("dev.tessera.graph.api", "dev.tessera.graph.engine", "dev.tessera.cli",
            "dev.tessera.server", "dev.tessera.primitives", "com.google.gson", "org.apache.felix.scr",
            "org.osgi.service.component", "org.osgi.util.promise", "org.osgi.util.function",
            "org.apache.felix.http.jetty12", "org.apache.felix.http.servlet-api", "slf4j.api",
            "org.eclipse.jetty.websocket.core.common", "org.eclipse.jetty.websocket.core.server",
            "org.apache.commons.commons-fileupload", "org.apache.commons.commons-io", "org.apache.commons.io");
    static final String CM = "org.apache.felix.configadmin";
    static final String CM_API = "org.osgi.service.cm.ConfigurationAdmin";
    static final String CONFIGURATION = "org.osgi.service.cm.Configuration";
    static final Duration WAIT = Duration.ofSeconds(30);

    HostFramework host;
    Object configAdmin;
    Path home;
    URI base;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void start() throws Exception {
        Path dir = Path.of(System.getProperty("tessera.itest.dir")).toAbsolutePath().resolve("host-config");
        home = dir.resolve("home");
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        base = URI.create("http://127.0.0.1:" + port + "/");
        // The host's HTTP server runs (as Karaf's would); nothing says Tessera's API should be on it.
        host = HostFramework.start(dir.resolve("storage"), Map.of(
                        "tessera.home", home.toString(),
                        "org.apache.felix.http.enable", "true",
                        "org.osgi.service.http.port", Integer.toString(port),
                        "org.apache.felix.http.host", "127.0.0.1"),
                BUNDLES::contains, List.of(Path.of(System.getProperty("tessera.configadmin.jar"))));
        configAdmin = host.service(CM_API, WAIT);
        assertNotNull(configAdmin, "Config Admin did not start: " + host.inactive(BUNDLES));
        assertNotNull(host.service("dev.tessera.graph.api.Folders", WAIT),
                "no Folders service: " + host.inactive(BUNDLES));
    }

    @AfterAll
    void stop() throws Exception {
        if (host != null) host.close();
    }

    @Test
    void theApiIsOffUntilConfiguredThenFollowsItsConfiguration() throws Exception {
        // The HTTP server answers (its default context), but no Tessera endpoint is on it.
        assertEquals(404, status("object_info", null), "the API must be off in a host until configured");

        configure(ServerPid(), Map.of("enabled", "true"));
        await("the API to be served once enabled", () -> status("object_info", null) == 200);
        assertTrue(body("object_info/PrimitiveInt").contains("\"PrimitiveInt\""), "object_info lists the host's nodes");

        // A page of another site is refused; an origin the administrator allowed is not.
        assertEquals(403, status("object_info/PrimitiveInt", "http://tool.example"));
        configure(ServerPid(), Map.of("enabled", "true", "allowedOrigins", new String[] {"http://tool.example"}));
        await("the allowed origin to pass", () -> status("object_info/PrimitiveInt", "http://tool.example") == 200);
        assertEquals(403, status("object_info/PrimitiveInt", "http://other.example"), "only the allowed origin passes");

        // Bound to a port no HTTP runtime listens on: served nowhere; to this runtime's address and port: here.
        configure(ServerPid(), Map.of("enabled", "true", "port", Integer.toString(base.getPort() == 65535 ? 1 : base.getPort() + 1)));
        await("the API to leave the runtime on another port", () -> status("object_info", null) == 404);
        configure(ServerPid(), Map.of("enabled", "true", "port", Integer.toString(base.getPort()), "listen", "127.0.0.1"));
        await("the API to be served on the runtime at 127.0.0.1:" + base.getPort(), () -> status("object_info", null) == 200);

        configure(ServerPid(), Map.of("enabled", "false"));
        await("the API to be off again", () -> status("object_info", null) == 404);
    }

    @Test
    void theFoldersPidOverridesTheFrameworkProperties() throws Exception {
        assertEquals(home.resolve("output"), output(), "without configuration: tessera.home's output folder");
        Path elsewhere = home.resolveSibling("configured-output");
        Object configuration = configure("dev.tessera.folders", Map.of("output.dir", elsewhere.toString(), "input.dir", ""));
        await("the configured output folder", () -> elsewhere.equals(output()));
        assertEquals(home.resolve("input"), input(), "a blank value keeps the framework property's folder");
        host.call(CM, CONFIGURATION, configuration, "delete", new Class<?>[0]);
        await("the framework property's folder back", () -> home.resolve("output").equals(output()));
    }

    private static String ServerPid() {
        return "dev.tessera.server";
    }

    private Path output() throws Exception {
        return folder("output");
    }

    private Path input() throws Exception {
        return folder("input");
    }

    private Path folder(String which) throws Exception {
        Object folders = host.service("dev.tessera.graph.api.Folders", WAIT);
        return (Path) host.call("dev.tessera.graph.api", "dev.tessera.graph.api.Folders", folders, which, new Class<?>[0]);
    }

    /** Sets the configuration of {@code pid} (bound to no bundle location, as a .cfg file's) to {@code values}. */
    private Object configure(String pid, Map<String, Object> values) throws Exception {
        Object configuration = host.call(CM, CM_API, configAdmin, "getConfiguration",
                new Class<?>[] {String.class, String.class}, pid, "?");
        Dictionary<String, Object> properties = new Hashtable<>(values);
        host.call(CM, CONFIGURATION, configuration, "update", new Class<?>[] {Dictionary.class}, properties);
        return configuration;
    }

    private int status(String path, String origin) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10));
        if (origin != null) request.header("Origin", origin);
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private String body(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static void await(String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + WAIT + " waiting for " + what);
            Thread.sleep(100);
        }
    }
}
