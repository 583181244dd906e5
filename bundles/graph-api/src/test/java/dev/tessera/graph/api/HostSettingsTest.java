package dev.tessera.graph.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class HostSettingsTest {

    private static final Map<String, String> FRAMEWORK = Map.of("tessera.output.dir", "/fw/out", "tessera.input.dir", "/fw/in",
            "other.key", "fw");

    private static UnaryOperator<String> settings(Map<String, ?> configuration) {
        return HostSettings.layered(configuration, "tessera.", FRAMEWORK::get);
    }

    @Test
    void theConfigurationWinsOverTheFrameworkProperty() {
        UnaryOperator<String> s = settings(Map.of("output.dir", "/cfg/out"));
        assertEquals("/cfg/out", s.apply("tessera.output.dir"));
        assertEquals("/fw/in", s.apply("tessera.input.dir"), "an unconfigured key falls back");
        assertNull(s.apply("tessera.temp.dir"), "unset in both");
    }

    @Test
    void aBlankConfigurationValueCountsAsUnset() {
        assertEquals("/fw/out", settings(Map.of("output.dir", "  ")).apply("tessera.output.dir"));
        assertEquals("/fw/out", settings(Map.of("output.dir", new String[0])).apply("tessera.output.dir"));
    }

    @Test
    void onlyKeysUnderThePrefixAreConfigured() {
        // "key" in the configuration is not "other.key": names outside the prefix come from the framework only.
        assertEquals("fw", settings(Map.of("key", "cfg", "other.key", "cfg")).apply("other.key"));
    }

    @Test
    void multiValuedAndTypedValuesBecomeText() {
        UnaryOperator<String> s = settings(Map.of("origins", new String[] {" http://a.example ", "", "http://b.example"},
                "list", List.of("x", "y"), "port", 8189, "enabled", Boolean.TRUE));
        assertEquals("http://a.example,http://b.example", s.apply("tessera.origins"));
        assertEquals("x,y", s.apply("tessera.list"));
        assertEquals("8189", s.apply("tessera.port"));
        assertEquals("true", s.apply("tessera.enabled"));
    }
}
