package dev.tessera.server.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.graph.engine.internal.TestEngine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserFilesTest {

    @TempDir
    Path home;
    Path outside;
    UserFiles files;
    TestEngine engine;

    @BeforeEach
    void setUp() throws IOException {
        engine = new TestEngine(home.resolve("tessera"));
        files = new UserFiles(engine.folders());
        outside = Files.createDirectories(home.resolve("secret"));
        Files.writeString(outside.resolve("passwords.txt"), "hunter2");
        Files.writeString(Files.createDirectories(engine.folders().output().resolve("sub")).resolve("a.png"), "A");
    }

    private static int status(Runnable r) {
        return assertThrows(ApiException.class, r::run).status();
    }

    @Test
    void findsFilesInTheThreeFolders() throws IOException {
        Files.writeString(engine.folders().input().resolve("in.png"), "I");
        Files.writeString(engine.folders().temp().resolve("t.png"), "T");
        assertEquals("A", Files.readString(files.existing("output", "sub", "a.png")));
        assertEquals("I", Files.readString(files.existing("input", "", "in.png")));
        assertEquals("T", Files.readString(files.existing("temp", null, "t.png")));
    }

    @Test
    void refusesPathsLeadingOut() throws IOException {
        assertEquals(403, status(() -> files.existing("output", "", "../../secret/passwords.txt")));
        assertEquals(403, status(() -> files.existing("output", "..", "passwords.txt")));
        assertEquals(403, status(() -> files.existing("output", "sub/../../..", "secret/passwords.txt")));
        assertEquals(403, status(() -> files.existing("output", "", outside.resolve("passwords.txt").toString())));
        assertEquals(403, status(() -> files.existing("output", outside.toString(), "passwords.txt")));
        assertEquals(403, status(() -> files.existing("output", "..\\..\\secret", "passwords.txt")));
        assertEquals(403, status(() -> files.existing("output", "", "..")));
        // A link inside the folder that points out of it.
        Files.createSymbolicLink(engine.folders().output().resolve("link.png"), outside.resolve("passwords.txt"));
        assertEquals(403, status(() -> files.existing("output", "", "link.png")));
        Files.createSymbolicLink(engine.folders().output().resolve("linkdir"), outside);
        assertEquals(403, status(() -> files.existing("output", "linkdir", "passwords.txt")));
    }

    @Test
    void badRequestsAndMissingFiles() {
        assertEquals(400, status(() -> files.existing("models", "", "a.png")));
        assertEquals(400, status(() -> files.existing("", "", "a.png")));
        assertEquals(400, status(() -> files.existing("output", "", "")));
        assertEquals(400, status(() -> files.existing("output", "", "sub/a.png")));
        assertEquals(404, status(() -> files.existing("output", "", "none.png")));
        assertEquals(404, status(() -> files.existing("output", "", "sub")));
    }

    @Test
    void uploadsGetFreeNamesUnlessOverwriting() throws IOException {
        byte[] one = "one".getBytes(StandardCharsets.UTF_8);
        byte[] two = "two".getBytes(StandardCharsets.UTF_8);
        assertEquals(Map.of("name", "x.png", "subfolder", "", "type", "input"), files.write("input", "", "x.png", false, one));
        assertEquals(Map.of("name", "x (1).png", "subfolder", "", "type", "input"), files.write("input", "", "x.png", false, two));
        assertEquals(Map.of("name", "x (2).png", "subfolder", "", "type", "input"), files.write("input", "", "x.png", false, two));
        assertEquals(Map.of("name", "x.png", "subfolder", "", "type", "input"), files.write("input", "", "x.png", true, two));
        assertArrayEquals(two, Files.readAllBytes(engine.folders().input().resolve("x.png")));
        assertEquals(Map.of("name", "y.png", "subfolder", "new/deep", "type", "temp"), files.write("temp", "new/deep", "y.png", false, one));
        assertArrayEquals(one, Files.readAllBytes(engine.folders().temp().resolve("new/deep/y.png")));
        try (var list = Files.list(engine.folders().input())) {
            assertTrue(list.noneMatch(p -> p.getFileName().toString().endsWith(".part")), "no temporary file left");
        }
    }

    @Test
    void uploadsCannotLeaveTheFolderOrReplaceLinks() throws IOException {
        byte[] b = {1};
        assertEquals(403, status(() -> files.write("input", "../secret", "x.png", false, b)));
        assertEquals(403, status(() -> files.write("input", "", "../x.png", false, b)));
        assertEquals(403, status(() -> files.write("input", outside.toString(), "x.png", false, b)));
        assertEquals(400, status(() -> files.write("input", "", "a/x.png", false, b)));
        assertEquals(400, status(() -> files.write("models", "", "x.png", false, b)));
        Files.createSymbolicLink(engine.folders().input().resolve("out"), outside);
        assertEquals(403, status(() -> files.write("input", "out", "x.png", false, b)));
        Files.createSymbolicLink(engine.folders().input().resolve("p.png"), outside.resolve("passwords.txt"));
        assertEquals(403, status(() -> files.write("input", "", "p.png", true, b)));
        assertEquals("hunter2", Files.readString(outside.resolve("passwords.txt")));
        try (var list = Files.list(outside)) {
            assertEquals(1, list.count(), "nothing written outside");
        }
    }
}
