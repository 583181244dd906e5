package dev.tessera.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.graph.api.HostSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The server's settings as a host gives them: Config Admin values over framework properties. */
class ServerConfigTest {

    private static ServerConfig of(Map<String, ?> configuration, Map<String, String> framework) {
        return ServerConfig.fromProperties(HostSettings.layered(configuration, "tessera.server.", framework::get), "test");
    }

    @Test
    void offByDefaultOnWhenConfiguredOrWhenTheLauncherSaysSo() {
        assertFalse(of(Map.of(), Map.of()).enabled(), "a host serves nothing until configured");
        assertTrue(of(Map.of(), Map.of("tessera.server.enabled", "true")).enabled(), "tessera serve");
        assertTrue(of(Map.of("enabled", Boolean.TRUE), Map.of()).enabled());
        assertFalse(of(Map.of("enabled", "false"), Map.of("tessera.server.enabled", "true")).enabled(), "the PID wins");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> of(Map.of("enabled", "yes"), Map.of()));
        assertEquals("tessera.server.enabled must be true or false, got 'yes'", e.getMessage());
    }

    @Test
    void portAndAddressSelectTheHttpRuntime() {
        assertNull(of(Map.of(), Map.of()).whiteboardTarget(), "no port: every HTTP runtime");
        assertEquals("(osgi.http.endpoint=*:8189/*)", of(Map.of("port", 8189), Map.of()).whiteboardTarget());
        assertEquals("(osgi.http.endpoint=*:8189/*)", of(Map.of("port", "8189", "listen", "0.0.0.0"), Map.of()).whiteboardTarget());
        assertEquals("(|(osgi.http.endpoint=http://127.0.0.1:8189/*)(osgi.http.endpoint=https://127.0.0.1:8189/*))",
                of(Map.of("port", "8189", "listen", "127.0.0.1"), Map.of()).whiteboardTarget());
        assertEquals("(|(osgi.http.endpoint=http://[::1]:9000/*)(osgi.http.endpoint=https://[::1]:9000/*))",
                of(Map.of("listen", "[::1]"), Map.of("tessera.server.port", "9000")).whiteboardTarget());
        assertEquals("tessera.server.listen (127.0.0.1) needs tessera.server.port as well",
                assertThrows(IllegalArgumentException.class, () -> of(Map.of("listen", "127.0.0.1"), Map.of())).getMessage());
        assertThrows(IllegalArgumentException.class, () -> of(Map.of("port", "70000"), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> of(Map.of("port", "8189", "listen", "a)(b"), Map.of()));
    }

    @Test
    void allowedOriginsAreOriginsInLowerCase() {
        assertEquals(List.of("https://app.example", "http://tool.example:8080"),
                of(Map.of("allowedOrigins", new String[] {"https://App.Example", "http://tool.example:8080"}), Map.of()).allowedOrigins());
        assertEquals(List.of("https://a.example"), of(Map.of(), Map.of("tessera.server.allowedOrigins", "https://a.example, ")).allowedOrigins());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> of(Map.of("allowedOrigins", "https://app.example/path"), Map.of()));
        assertTrue(e.getMessage().startsWith("tessera.server.allowedOrigins: 'https://app.example/path' is not an origin"), e.getMessage());
    }

    @Test
    void limitsComeFromThePidToo() {
        ServerConfig c = of(Map.of("historySize", 7, "maxBodyBytes", "1024"), Map.of("tessera.server.historySize", "9"));
        assertEquals(7, c.historySize());
        assertEquals(1024, c.maxBodyBytes());
        assertEquals(ServerConfig.DEFAULT_MAX_UPLOAD, c.maxUploadBytes());
    }
}
