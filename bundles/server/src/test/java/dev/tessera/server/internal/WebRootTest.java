package dev.tessera.server.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebRootTest {

    @TempDir
    Path dir;

    WebRoot root() throws Exception {
        return new WebRoot(new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)::getResource);
    }

    void file(String path, String text) throws Exception {
        Path p = dir.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    @Test
    void servesTheEditorsFilesWithTheirTypes() throws Exception {
        file("webroot/index.html", "<html>editor</html>");
        file("webroot/assets/app-1a2b.js", "console.log(1)");
        file("webroot/assets/app.css", "body{}");
        file("webroot/lib/data.json", "{}");
        WebRoot root = root();
        assertTrue(root.hasEditor());
        WebRoot.Asset index = root.find("/").orElseThrow();
        assertEquals("index.html", index.path());
        assertEquals("text/html; charset=utf-8", index.contentType());
        assertArrayEquals("<html>editor</html>".getBytes(StandardCharsets.UTF_8), index.bytes());
        assertEquals(index.path(), root.find("/index.html").orElseThrow().path());
        assertEquals("text/javascript; charset=utf-8", root.find("/assets/app-1a2b.js").orElseThrow().contentType());
        assertEquals("text/css; charset=utf-8", root.find("/assets/app.css").orElseThrow().contentType());
        assertEquals("application/json", root.find("/lib/data.json").orElseThrow().contentType());
    }

    @Test
    void listsNoFolderAndReachesNothingOutsideTheWebRoot() throws Exception {
        file("webroot/index.html", "x");
        file("webroot/assets/app.js", "x");
        file("webroot/folder.js/inner.js", "x");
        file("webroot/notes.md", "x");
        file("secret.json", "{}");
        file("dev/tessera/Some.class", "x");
        WebRoot root = root();
        for (String path : List.of("/assets", "/assets/", "/folder.js", "/notes.md", "/../secret.json",
                "/assets/../../secret.json", "/./index.html", "//index.html", "/assets\\app.js", "/missing.js",
                "/index.html\u0000.js", "relative.js", "/../dev/tessera/Some.class")) {
            assertTrue(root.find(path).isEmpty(), path);
        }
    }

    @Test
    void withoutTheEditorTheRootIsAPlaceholder() throws Exception {
        WebRoot root = root();
        assertFalse(root.hasEditor());
        WebRoot.Asset page = root.find("/").orElseThrow();
        assertEquals("text/html; charset=utf-8", page.contentType());
        assertTrue(new String(page.bytes(), StandardCharsets.UTF_8).contains("built without the editor"));
        assertTrue(root.find("/app.js").isEmpty());
    }
}
