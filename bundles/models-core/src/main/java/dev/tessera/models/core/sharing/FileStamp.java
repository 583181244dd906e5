package dev.tessera.models.core.sharing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A model file's identity in a cache key: its real path, size and modification time; for a diffusers folder, the
 * sum of its files' sizes and the latest of their times (a folder's own time does not change when a file inside is
 * rewritten). A file changed on disk gets a new stamp, so it loads anew.
 */
public record FileStamp(Path file, long size, long modified) {

    /**
     * The stamp of {@code path} now.
     *
     * @throws UncheckedIOException naming the path when it cannot be read
     */
    public static FileStamp of(Path path) {
        Path real = realPath(path);
        if (!Files.isDirectory(real)) {
            BasicFileAttributes a = attributes(real);
            return new FileStamp(real, a.size(), a.lastModifiedTime().toMillis());
        }
        long[] total = {0, 0};
        try (var walk = Files.walk(real)) {
            walk.filter(Files::isRegularFile).forEach(f -> {
                BasicFileAttributes a = attributes(f);
                total[0] += a.size();
                total[1] = Math.max(total[1], a.lastModifiedTime().toMillis());
            });
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot be read: " + e.getMessage(), e);
        }
        return new FileStamp(real, total[0], total[1]);
    }

    /**
     * A node's change key for a model file: its path, size and modification time, so a replaced file loads anew;
     * {@code path|unreadable} when it cannot be read (the node's execution reports that).
     */
    public static String changeKey(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return file + "|" + a.size() + "|" + a.lastModifiedTime().toMillis();
        } catch (IOException e) {
            return file + "|unreadable";
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

    /** {@code path} with links resolved, or an UncheckedIOException naming it. */
    public static Path realPath(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot be read: " + e.getMessage(), e);
        }
    }

    private static BasicFileAttributes attributes(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class);
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot be read: " + e.getMessage(), e);
        }
    }
}
