package dev.tessera.image.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.image.SaveTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageSaverTest {

    @TempDir
    Path folder;

    private List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aWriteThatFailsPartWayLeavesNoFileUnderTheName() throws IOException {
        Path file = folder.resolve("Tessera_00001_.png");
        IOException e = assertThrows(IOException.class, () -> SaveTarget.writeNew(file, out -> {
            out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G'});
            // While the content is being written, the name does not exist yet.
            assertFalse(Files.exists(file), "the final name appears only when the file is whole");
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertEquals(List.of(), names(), "neither the name nor a temporary file is left");
    }

    @Test
    void aWholeWriteAppearsUnderItsNameAndNeverReplacesAFile() throws IOException {
        Path file = folder.resolve("Tessera_00001_.png");
        assertTrue(SaveTarget.writeNew(file, out -> out.write(new byte[] {1, 2, 3})));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(file));
        assertFalse(SaveTarget.writeNew(file, out -> out.write(new byte[] {9})), "a taken name is not overwritten");
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(file));
        assertEquals(List.of("Tessera_00001_.png"), names());
    }
}
