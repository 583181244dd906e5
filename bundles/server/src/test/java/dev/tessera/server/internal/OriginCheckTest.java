package dev.tessera.server.internal;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class OriginCheckTest {

    @Test
    void sameOriginAndNoOriginPass() {
        assertNull(OriginCheck.refusal(null, "127.0.0.1:8188", false));
        assertNull(OriginCheck.refusal("http://127.0.0.1:8188", "127.0.0.1:8188", false));
        assertNull(OriginCheck.refusal("http://LOCALHOST:8188", "localhost:8188", false));
        assertNull(OriginCheck.refusal("http://example.org", "example.org", false));
        assertNull(OriginCheck.refusal("https://example.org", "example.org", true));
        assertNull(OriginCheck.refusal("http://[::1]:8188", "[::1]:8188", false));
    }

    @Test
    void otherOriginsAreRefused() {
        assertNotNull(OriginCheck.refusal("http://evil.example", "127.0.0.1:8188", false));
        assertNotNull(OriginCheck.refusal("http://127.0.0.1:9999", "127.0.0.1:8188", false));
        assertNotNull(OriginCheck.refusal("https://example.org", "example.org", false));
        assertNotNull(OriginCheck.refusal("null", "127.0.0.1:8188", false));
        assertNotNull(OriginCheck.refusal("http://127.0.0.1:8188", null, false));
        assertNotNull(OriginCheck.refusal("http://127.0.0.1:8188", "127.0.0.1:x", false));
    }

    @Test
    void anAllowedOriginPassesAndOnlyIt() {
        java.util.List<String> allowed = java.util.List.of("http://tool.example");
        assertNull(OriginCheck.refusal("http://tool.example", "127.0.0.1:8188", false, allowed));
        assertNull(OriginCheck.refusal("HTTP://Tool.Example", "127.0.0.1:8188", false, allowed), "origins compare case-blind");
        assertNotNull(OriginCheck.refusal("http://tool.example:8080", "127.0.0.1:8188", false, allowed), "another port is another origin");
        assertNotNull(OriginCheck.refusal("http://evil.example", "127.0.0.1:8188", false, allowed));
        assertNull(OriginCheck.refusal("http://127.0.0.1:8188", "127.0.0.1:8188", false, allowed), "same origin still passes");
    }

    @Test
    void aLoopbackServerAnswersOnlyToLoopbackNames() {
        for (String host : new String[] {"127.0.0.1:8188", "localhost:8188", "LOCALHOST", "app.localhost:8188",
                "[::1]:8188", "127.1.2.3", null}) {
            assertNull(OriginCheck.hostRefusal(host, "127.0.0.1", "box"), host);
            assertNull(OriginCheck.hostRefusal(host, "::1", null), host);
        }
        assertNotNull(OriginCheck.hostRefusal("evil.example:8188", "127.0.0.1", "box"));
        assertNull(OriginCheck.hostRefusal("BOX:8188", "127.0.1.1", "box"), "the machine's own name");
        assertNotNull(OriginCheck.hostRefusal("127.0.0.1.evil.example", "127.0.0.1", "box"));
        assertNotNull(OriginCheck.hostRefusal("192.168.1.5:8188", "0:0:0:0:0:0:0:1", "box"));
        assertNull(OriginCheck.hostRefusal("tessera.example.org", "192.168.1.5", "box"), "not a loopback server");
    }
}
