package dev.tessera.image.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where a batch of images goes, resolved from a ComfyUI {@code filename_prefix} as its
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
        return filename.replace("%batch_num%", Integer.toString(batchIndex)) + String.format(Locale.ROOT, "_%05d_.png", number);
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
