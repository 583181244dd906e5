package dev.tessera.image;

import dev.tessera.graph.api.Folders;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;

/**
 * The images a user can load: files in the input folder, named as ComfyUI names them — a path relative to the
 * input folder, optionally annotated with another root ({@code "x.png [output]"}, {@code "x.png [temp]"}).
 */
public final class InputImages {

    /** The three roots a name can point into. */
    public record Roots(Path input, Path output, Path temp) {}

    private InputImages() {}

    /**
     * The image files directly in {@code input}, sorted; those ImageIO has a reader for, not links leading out of
     * the folder. Missing folder: none.
     */
    public static List<String> list(Path input) {
        List<String> names = new ArrayList<>(scan(input).keySet());
        names.sort(null);
        return names;
    }

    /**
     * The image files directly in {@code output} as {@code "name [output]"}, newest first (ComfyUI's
     * {@code /internal/files/output} order, with the annotation its frontend adds), for LoadImageOutput.
     */
    public static List<String> listOutput(Path output) {
        Map<String, FileTime> files = scan(output);
        List<String> names = new ArrayList<>(files.keySet());
        names.sort(Comparator.comparing((String n) -> files.get(n)).reversed().thenComparing(Comparator.naturalOrder()));
        return names.stream().map(n -> n + " [output]").toList();
    }

    /**
     * The regular files directly in {@code input} whose name ends in {@code suffix} (".latent"), sorted, not links
     * leading out of the folder, as ComfyUI's LoadLatent lists them. Missing folder: none.
     */
    public static List<String> list(Path input, String suffix) {
        if (!Files.isDirectory(input)) return List.of();
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(input)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(suffix) && Files.isRegularFile(f) && Folders.staysInside(f, input)) names.add(name);
            }
        } catch (IOException e) {
            return List.of();
        }
        names.sort(null);
        return names;
    }

    /** Image files directly in {@code dir} (readable by ImageIO, staying inside it) with their modification time. */
    private static Map<String, FileTime> scan(Path dir) {
        if (!Files.isDirectory(dir)) return Map.of();
        Set<String> suffixes = Arrays.stream(ImageIO.getReaderFileSuffixes())
                .map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        Map<String, FileTime> names = new HashMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                int dot = name.lastIndexOf('.');
                if (dot > 0 && suffixes.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT)) && Files.isRegularFile(f)
                        && Folders.staysInside(f, dir)) {
                    names.put(name, Files.getLastModifiedTime(f));
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        return names;
    }

    /**
     * The file a name points to.
     *
     * @throws IllegalArgumentException with a message for the user when the name leads outside its root or the
     *                                  file does not exist
     */
    public static Path resolve(Roots roots, String name) {
        return resolve(roots, name, "image");
    }

    /**
     * {@link #resolve(Roots, String)} for another kind of input file ("latent"), named so in the messages.
     */
    public static Path resolve(Roots roots, String name, String kind) {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("no " + kind + " file chosen");
        Path root = roots.input();
        String relative = name;
        for (String[] annotation : new String[][] {{" [input]", "input"}, {" [output]", "output"}, {" [temp]", "temp"}}) {
            if (name.endsWith(annotation[0])) {
                relative = name.substring(0, name.length() - annotation[0].length());
                root = switch (annotation[1]) {
                    case "output" -> roots.output();
                    case "temp" -> roots.temp();
                    default -> roots.input();
                };
            }
        }
        Path base = root.toAbsolutePath().normalize();
        Path file;
        try {
            Path rel = Path.of(relative);
            file = base.resolve(rel).normalize();
            if (rel.isAbsolute() || !file.startsWith(base)) {
                throw new IllegalArgumentException("'" + name + "' leads outside the " + base.getFileName() + " folder");
            }
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("'" + name + "' is not a valid file name: " + e.getReason());
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("Invalid " + kind + " file: " + name + " (no such file in " + base + ")");
        }
        if (!Folders.staysInside(file, base)) {
            throw new IllegalArgumentException("'" + name + "' is (or lies in) a link leading outside the "
                    + base.getFileName() + " folder");
        }
        try {
            // The real path: what was checked is what is read.
            return file.toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException("'" + name + "' cannot be read: " + e.getMessage());
        }
    }

    /** The SHA-256 of the file's bytes in hex, as ComfyUI's LoadImage.IS_CHANGED. */
    public static String contentHash(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) digest.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
