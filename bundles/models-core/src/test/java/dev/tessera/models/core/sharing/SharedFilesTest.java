package dev.tessera.models.core.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One open per key, closed with the last lease, everything closed with the cache; file stamps as keys. */
class SharedFilesTest {

    /** A value that counts its closes. */
    private static final class Opened implements AutoCloseable {
        final AtomicInteger closes = new AtomicInteger();

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    @TempDir
    Path dir;

    @Test
    void aKeyIsOpenedOnceAndClosedWithItsLastLease() {
        SharedFiles files = new SharedFiles("the test cache");
        AtomicInteger opens = new AtomicInteger();
        Shared.Lease<Opened> first = files.lease("a", () -> { opens.incrementAndGet(); return new Opened(); });
        Shared.Lease<Opened> second = files.lease("a", () -> { opens.incrementAndGet(); return new Opened(); });
        Shared.Lease<Opened> derived = first.share();
        assertSame(first.get(), second.get());
        assertEquals(1, opens.get());
        assertEquals(1, files.loads());
        assertEquals(1, files.openFiles());

        Opened value = first.get();
        first.close();
        first.close(); // twice is harmless
        second.close();
        assertEquals(0, value.closes.get(), "the derived lease still holds it");
        assertThrows(IllegalStateException.class, first::get);
        derived.close();
        assertEquals(1, value.closes.get());
        assertEquals(0, files.openFiles());

        Shared.Lease<Opened> again = files.lease("a", Opened::new);
        assertNotEquals(value, again.get(), "opened anew after the last lease closed");
        assertEquals(2, files.loads());
        again.close();
    }

    @Test
    void closingTheCacheClosesWhatLeasesStillHoldAndRefusesNewLeases() {
        SharedFiles files = new SharedFiles("the test cache");
        Shared.Lease<Opened> a = files.lease("a", Opened::new);
        Shared.Lease<Opened> b = files.lease("b", Opened::new);
        files.close();
        assertEquals(1, a.get().closes.get());
        assertEquals(1, b.get().closes.get());
        IllegalStateException closed = assertThrows(IllegalStateException.class,
                () -> files.lease("c", Opened::new));
        assertTrue(closed.getMessage().contains("the test cache is closed"), closed.getMessage());
    }

    @Test
    void aFilesStampChangesWithItsContentAndAnUnreadableFileHasAChangeKeyButNoStamp() throws Exception {
        Path file = Files.writeString(dir.resolve("model.safetensors"), "one");
        FileStamp before = FileStamp.of(file);
        assertEquals(before, FileStamp.of(dir.resolve(".").resolve("model.safetensors")), "by its real path");
        Files.writeString(file, "three");
        Files.setLastModifiedTime(file, FileTime.fromMillis(before.modified() + 2000));
        assertNotEquals(before, FileStamp.of(file));
        assertFalse(FileStamp.changeKey(file).endsWith("unreadable"));

        Path missing = dir.resolve("missing.safetensors");
        assertEquals(missing + "|unreadable", FileStamp.changeKey(missing));
        assertThrows(java.io.UncheckedIOException.class, () -> FileStamp.of(missing));

        Path folder = Files.createDirectories(dir.resolve("pipeline/unet"));
        Files.writeString(folder.resolve("a.safetensors"), "12345");
        Files.writeString(folder.getParent().resolve("b.json"), "{}");
        assertEquals(7, FileStamp.of(folder.getParent()).size(), "a folder's size is its files'");
        assertEquals(FileStamp.contentHash(folder.getParent().resolve("b.json")),
                FileStamp.contentHash(Files.writeString(dir.resolve("c.json"), "{}")), "same content, same hash");
    }
}
