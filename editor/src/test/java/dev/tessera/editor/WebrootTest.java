package dev.tessera.editor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The built editor as the server embeds it: {@code webroot/index.html} and the assets it names, by relative paths
 * (the server may mount it under any path).
 */
class WebrootTest {

    private static final Path WEBROOT = Path.of(System.getProperty("tessera.webroot", "target/classes/webroot"));

    @Test
    void indexNamesOnlyAssetsThatExistByRelativePaths() throws Exception {
        Path index = WEBROOT.resolve("index.html");
        assertTrue(Files.isRegularFile(index), "the build wrote no " + index);
        String html = Files.readString(index);
        Matcher m = Pattern.compile("(?:src|href)=\"([^\"]+)\"").matcher(html);
        List<String> assets = new ArrayList<>();
        while (m.find()) {
            String ref = m.group(1);
            if (ref.startsWith("data:")) continue;
            assertTrue(ref.startsWith("./assets/"), "index.html refers to " + ref + ", expected ./assets/...");
            assertTrue(Files.isRegularFile(WEBROOT.resolve(ref.substring(2))), "index.html refers to missing " + ref);
            assets.add(ref);
        }
        assertEquals(1, assets.stream().filter(a -> a.endsWith(".js")).count(), "one script bundle: " + assets);
        assertEquals(1, assets.stream().filter(a -> a.endsWith(".css")).count(), "one style sheet: " + assets);
        // The development entry point must not survive into the build.
        assertFalse(html.contains("/src/main.js"), "index.html still loads /src/main.js");
    }

    @Test
    void bundleCarriesTheLitegraphCanvasAndTheProtocolCalls() throws Exception {
        Path js;
        try (var files = Files.list(WEBROOT.resolve("assets"))) {
            js = files.filter(p -> p.toString().endsWith(".js")).findFirst().orElseThrow();
        }
        String code = Files.readString(js);
        for (String needle : List.of("LGraphCanvas", "object_info", "ws?clientId=", "extra_pnginfo", "view?")) {
            assertTrue(code.contains(needle), js + " lacks " + needle);
        }
    }
}
