package dev.tessera.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

class GraphTest {

    @Test
    void writesComfyUisApiFormatWithLinksAndLiterals() {
        Graph g = new Graph();
        Graph.Node load = g.add("LoadImage").set("image", "a \"quoted\" name.png");
        g.add("9", "Custom");
        Graph.Node scale = g.add("ImageScale").link("image", load, 0).set("width", 256).set("scale", 0.5)
                .set("flag", true);
        assertEquals("2", scale.id());
        String expected = "{\"1\":{\"class_type\":\"LoadImage\",\"inputs\":{\"image\":\"a \\\"quoted\\\" name.png\"}},"
                + "\"9\":{\"class_type\":\"Custom\",\"inputs\":{}},"
                + "\"2\":{\"class_type\":\"ImageScale\",\"inputs\":{\"image\":[\"1\",0],\"width\":256,\"scale\":0.5,\"flag\":true}}}";
        assertEquals(JsonParser.parseString(expected), JsonParser.parseString(g.toApiJson()));
        // Integral numbers stay integers (INT inputs refuse 256.0).
        assertEquals(true, g.toApiJson().contains("\"width\": 256,"));
    }

    @Test
    void refusesWhatIsNoLiteralNamingTheNodeAndInput() {
        Graph g = new Graph();
        Graph.Node node = g.add("KSampler");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> node.set("cfg", Double.NaN));
        assertEquals("node 1 (KSampler) input 'cfg': a literal is a String, Boolean or finite Number, got java.lang.Double NaN",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> node.set("x", null));
        assertThrows(IllegalArgumentException.class, () -> node.set("x", new Object()));
        assertThrows(IllegalArgumentException.class, () -> g.add("1", "Other"));
        assertThrows(IllegalArgumentException.class, () -> node.link("x", node, -1));
        // The next automatic id skips ids given by hand.
        g.add("2", "Given");
        assertEquals("3", g.add("Auto").id());
    }
}
