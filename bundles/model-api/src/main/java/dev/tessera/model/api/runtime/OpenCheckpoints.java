package dev.tessera.model.api.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The open checkpoint files of a family's loaders, shared by every loader node and run: a file is opened once per
 * {@link Key} (its real path, size and modification time, and what else changes the loaded model: architecture
 * file, device, dtype) and shared by all handles over it, each holding a {@link Shared.Lease}. The file is closed
 * (its tensors freed) when the last lease closes, which happens when the host's output cache evicts the loaders'
 * outputs and everything derived from them. A file changed on disk is a new key, so it loads anew while handles over
 * the old version finish. {@link #close()} (the owning component stopping with the host) closes everything.
 */
public final class OpenCheckpoints implements AutoCloseable {

    /**
     * A file by what identifies its loaded content.
     *
     * @param kind what the file is opened as ("checkpoint", "vae", "transformer")
     * @param extras what else changes the loaded model (architecture file hash, tokenizer, device, dtype); nulls
     *     allowed
     */
    public record Key(String kind, Path file, long size, long modified, List<Object> extras) {}

    private final String name;
    private final Map<Key, Shared<?>> open = new HashMap<>();
    private int loads;
    private boolean closed;

    /** @param name the cache in messages ("the checkpoint cache") */
    public OpenCheckpoints(String name) {
        this.name = name;
    }

    /**
     * The key of {@code file} opened as {@code kind}: its real path, size and modification time (for a folder, the
     * sum of its files' sizes and the latest of their times: a folder's own time does not change when a file inside
     * is rewritten).
     *
     * @throws UncheckedIOException naming the file when it cannot be read
     */
    public static Key key(String kind, Path file, Object... extras) {
        Path real = realPath(file);
        long[] sizeAndTime = sizeAndTime(real);
        return new Key(kind, real, sizeAndTime[0], sizeAndTime[1],
                Collections.unmodifiableList(Arrays.asList(extras.clone())));
    }

    /**
     * A lease on the value open under {@code key}, opened by {@code opener} (on this thread, under this cache's
     * lock, so a file is never opened twice at once) when no lease holds it now.
     */
    @SuppressWarnings("unchecked")
    public synchronized <T extends AutoCloseable> Shared.Lease<T> lease(Key key, Supplier<T> opener) {
        if (closed) {
            throw new IllegalStateException(name + " is closed (its bundle is stopping)");
        }
        Shared<T> shared = (Shared<T>) open.get(key);
        if (shared == null || shared.isClosed()) {
            T value = opener.get();
            loads++;
            shared = new Shared<>(value, s -> release(key, s));
            open.put(key, shared);
        }
        return shared.lease();
    }

    private void release(Key key, Shared<? extends AutoCloseable> shared) {
        synchronized (this) {
            open.remove(key, shared);
            if (closed) {
                return; // closed at stop with the rest: each value closes once
            }
        }
        closeOrThrow(shared.value());
    }

    /** How many files have been opened so far (a second loader of an open file opens none). */
    public synchronized int loads() {
        return loads;
    }

    /** How many files are open now. */
    public synchronized int openFiles() {
        return open.size();
    }

    /**
     * Closes every open file, also those handles still hold (the owning bundle is stopping); their last lease then
     * closes nothing again.
     */
    @Override
    public void close() {
        List<Shared<?>> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(open.values());
            open.clear();
        }
        RuntimeException first = null;
        for (Shared<?> shared : all) {
            try {
                closeOrThrow((AutoCloseable) shared.value());
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static void closeOrThrow(AutoCloseable resource) {
        try {
            resource.close();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("closing " + resource + " failed: " + e.getMessage(), e);
        }
    }

    /** Two architecture files with the same content describe the same model, wherever they lie. */
    public static String contentHash(Path file) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
            return HexFormat.of().formatHex(digest);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot be read: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The real path of {@code path} (links resolved), failing naming it when it cannot be read. */
    public static Path realPath(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot be read: " + e.getMessage(), e);
        }
    }

    private static long[] sizeAndTime(Path path) {
        if (!Files.isDirectory(path)) {
            BasicFileAttributes a = attributes(path);
            return new long[] {a.size(), a.lastModifiedTime().toMillis()};
        }
        long[] total = {0, 0};
        try (var walk = Files.walk(path)) {
            walk.filter(Files::isRegularFile).forEach(f -> {
                BasicFileAttributes a = attributes(f);
                total[0] += a.size();
                total[1] = Math.max(total[1], a.lastModifiedTime().toMillis());
            });
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot be read: " + e.getMessage(), e);
        }
        return total;
    }

    private static BasicFileAttributes attributes(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class);
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot be read: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
