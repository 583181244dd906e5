package dev.tessera.image;

import dev.tessera.graph.api.InputProblem;
import dev.tessera.graph.api.NodeInputs;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.LinkOption;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where a batch of saved files (images, latents) goes, resolved from a ComfyUI {@code filename_prefix} as its
 * {@code folder_paths.get_save_image_path}: the prefix may name a subfolder ({@code "portraits/run"}), may use
 * {@code %width%}, {@code %height%}, {@code %year%} ... {@code %second%}, and files are numbered
 * {@code <name>_00001_.png} on from the highest number already there. A prefix that leads outside the root is
 * refused.
 *
 * @param folder    the directory files go to (created)
 * @param filename  the file name part of the prefix
 * @param counter   the first free number
 * @param subfolder the folder relative to the root, with '/' separators ("" for the root)
 */
public record SaveTarget(Path folder, String filename, int counter, String subfolder) {

    private static final Pattern NUMBER = Pattern.compile("[+-]?\\d+");

    /** The file name of image {@code batchIndex} saved with {@code number}. */
    public String fileName(int batchIndex, int number) {
        return fileName(batchIndex, number, ".png");
    }

    /** The file name of item {@code batchIndex} saved with {@code number}, ending in {@code extension} (".latent"). */
    public String fileName(int batchIndex, int number, String extension) {
        return filename.replace("%batch_num%", Integer.toString(batchIndex))
                + String.format(Locale.ROOT, "_%05d_", number) + extension;
    }

    /**
     * Writes one file under the first free number from {@link #counter()} on ({@code number} is the first number
     * to try) and returns its name and the next number. A name that is taken (also by a concurrent save with the
     * same prefix) moves on to the next number.
     */
    public Saved writeNext(int batchIndex, int number, String extension, Content content) throws IOException {
        while (true) {
            String name = fileName(batchIndex, number++, extension);
            if (writeNew(folder.resolve(name), content)) return new Saved(name, number);
        }
    }

    /** A written file's name, and the number the next file of the batch tries first. */
    public record Saved(String name, int nextNumber) {}

    /** Writes a file's content; may fail part-way. */
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code file} only if no file has that name, and only whole: the content goes to a temporary name in
     * the same folder, which is then hard-linked to the name (atomic, and failing if the name exists, so a
     * concurrent save is never overwritten). An interrupted or failed write leaves no file under the name (at
     * worst a hidden {@code .tessera-*.part}). Where hard links are not supported, an atomic rename after a check.
     *
     * @return false when the name is taken
     */
    public static boolean writeNew(Path file, Content content) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), ".tessera-", ".part");
        try {
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                content.writeTo(out);
            }
            try {
                Files.createLink(file, tmp);
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            } catch (UnsupportedOperationException | FileSystemException e) {
                if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) return false;
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
                return true;
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * @throws IllegalArgumentException when the prefix is not a relative path inside {@code root}
     * @throws IOException              when the folder cannot be created or listed
     */
    public static SaveTarget resolve(Path root, String prefix, int imageWidth, int imageHeight) throws IOException {
        String expanded = prefix.contains("%") ? expand(prefix, imageWidth, imageHeight) : prefix;
        Path relative = checkedRelative(root, expanded);
        Path parent = relative.getParent();
        String subfolder = parent == null ? "" : parent.toString().replace('\\', '/');
        String filename = relative.getFileName() == null ? "" : relative.getFileName().toString();
        Path folder = root.resolve(subfolder).normalize();
        Files.createDirectories(folder);
        if (!folder.toRealPath().startsWith(root.toRealPath())) {
            throw new IllegalArgumentException("'" + prefix + "' leads outside the folder images are saved to (through a link)");
        }
        return new SaveTarget(folder, filename, nextCounter(folder, filename), subfolder);
    }

    /**
     * A save node's check of its prefix input before the run: a prefix leading outside {@code root} is a problem
     * on {@code input}; an absent value is none.
     */
    public static List<InputProblem> validatePrefix(Path root, NodeInputs widgetValues, String input) {
        if (!widgetValues.has(input)) return List.of();
        try {
            checkedRelative(root, widgetValues.getString(input));
            return List.of();
        } catch (IllegalArgumentException e) {
            return List.of(InputProblem.of(input, e.getMessage()));
        }
    }

    /** Checks without touching the disk that {@code prefix} stays inside {@code root}; returns it normalised. */
    public static Path checkedRelative(Path root, String prefix) {
        Path relative;
        try {
            relative = Path.of(prefix).normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("'" + prefix + "' is not a valid file name prefix: " + e.getReason());
        }
        Path base = root.toAbsolutePath().normalize();
        if (relative.isAbsolute() || !base.resolve(relative).normalize().startsWith(base)
                || relative.startsWith("..")) {
            throw new IllegalArgumentException("'" + prefix + "' leads outside the folder images are saved to; "
                    + "use a relative name such as 'portraits/run'");
        }
        return relative;
    }

    /** One more than the highest number of a {@code <filename>_<number>...} file in {@code folder}, or 1. */
    static int nextCounter(Path folder, String filename) throws IOException {
        int max = 0;
        String stem = filename + "_";
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (!name.regionMatches(false, 0, stem, 0, stem.length())) continue;
                String digits = name.substring(stem.length()).split("_", -1)[0].strip();
                if (NUMBER.matcher(digits).matches()) {
                    try {
                        max = Math.max(max, Integer.parseInt(digits));
                    } catch (NumberFormatException tooLong) {
                        // a number past int range is no counter of ours
                    }
                }
            }
        }
        return max + 1;
    }

    static String expand(String prefix, int width, int height) {
        LocalDateTime now = LocalDateTime.now();
        return prefix.replace("%width%", Integer.toString(width))
                .replace("%height%", Integer.toString(height))
                .replace("%year%", Integer.toString(now.getYear()))
                .replace("%month%", twoDigits(now.getMonthValue()))
                .replace("%day%", twoDigits(now.getDayOfMonth()))
                .replace("%hour%", twoDigits(now.getHour()))
                .replace("%minute%", twoDigits(now.getMinute()))
                .replace("%second%", twoDigits(now.getSecond()));
    }

    private static String twoDigits(int v) {
        return String.format(Locale.ROOT, "%02d", v);
    }
}
