package dev.tessera.model.api.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The open-checkpoint cache: one open per file version while leases hold it, closed with the last lease or all. */
class OpenCheckpointsTest {

    @TempDir
    Path dir;

    /** An opened file: its bytes as read, and whether it was closed. */
    private static final class Opened implements AutoCloseable {
        final String content;
        boolean closed;
        int closes;

        Opened(Path file) {
            try {
                content = Files.readString(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            closed = true;
            closes++;
        }
    }

    @Test
    void aFileIsOpenedOnceWhileLeasedAndClosedWithTheLastLease() throws IOException {
        Path file = Files.writeString(dir.resolve("model.safetensors"), "one");
        try (OpenCheckpoints cache = new OpenCheckpoints("test cache")) {
            Shared.Lease<Opened> first = cache.lease(OpenCheckpoints.key("checkpoint", file), () -> new Opened(file));
            Shared.Lease<Opened> second = cache.lease(OpenCheckpoints.key("checkpoint", file),
                    () -> new Opened(file));
            assertSame(first.get(), second.get());
            assertEquals(1, cache.loads());
            Shared.Lease<Opened> derived = second.share();
            Opened opened = first.get();
            first.close();
            second.close();
            assertFalse(opened.closed, "a derived handle still holds it");
            assertEquals(1, cache.openFiles());
            derived.close();
            assertTrue(opened.closed);
            assertEquals(0, cache.openFiles());
            assertThrows(IllegalStateException.class, derived::get);
            cache.lease(OpenCheckpoints.key("checkpoint", file), () -> new Opened(file)).close();
            assertEquals(2, cache.loads(), "opened again once nobody held it");
        }
    }

    @Test
    void aChangedFileIsANewKeyAndAnotherKindOrExtraToo() throws IOException {
        Path file = Files.writeString(dir.resolve("model.safetensors"), "one");
        try (OpenCheckpoints cache = new OpenCheckpoints("test cache")) {
            Shared.Lease<Opened> old = cache.lease(OpenCheckpoints.key("checkpoint", file), () -> new Opened(file));
            Files.writeString(file, "two!");
            Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 5000));
            Shared.Lease<Opened> fresh = cache.lease(OpenCheckpoints.key("checkpoint", file),
                    () -> new Opened(file));
            assertEquals("one", old.get().content, "handles over the old version finish on it");
            assertEquals("two!", fresh.get().content);
            assertEquals(2, cache.openFiles());
            assertNotEquals(OpenCheckpoints.key("checkpoint", file), OpenCheckpoints.key("vae", file));
            assertNotEquals(OpenCheckpoints.key("checkpoint", file, "float16"),
                    OpenCheckpoints.key("checkpoint", file, "float32"));
            assertEquals(OpenCheckpoints.key("checkpoint", file, (Object) null),
                    OpenCheckpoints.key("checkpoint", dir.resolve(".").resolve("model.safetensors"), (Object) null),
                    "the real path counts");
            old.close();
            fresh.close();
        }
    }

    @Test
    void closingTheCacheClosesWhatLeasesStillHoldAndRefusesMore() throws IOException {
        Path file = Files.writeString(dir.resolve("model.safetensors"), "one");
        OpenCheckpoints cache = new OpenCheckpoints("test cache");
        Shared.Lease<Opened> lease = cache.lease(OpenCheckpoints.key("checkpoint", file), () -> new Opened(file));
        cache.close();
        assertTrue(lease.get().closed);
        Opened opened = lease.get();
        lease.close();
        assertEquals(1, opened.closes, "the last lease after the stop closes nothing again");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> cache.lease(OpenCheckpoints.key("checkpoint", file), () -> new Opened(file)));
        assertTrue(e.getMessage().contains("test cache is closed"), e.getMessage());
        UncheckedIOException missing = assertThrows(UncheckedIOException.class,
                () -> OpenCheckpoints.key("checkpoint", dir.resolve("missing.safetensors")));
        assertTrue(missing.getMessage().contains("missing.safetensors"), missing.getMessage());
    }
}
