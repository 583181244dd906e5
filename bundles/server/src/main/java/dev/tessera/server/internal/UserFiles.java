package dev.tessera.server.internal;

import dev.tessera.graph.api.Folders;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The files {@code /view} serves and {@code /upload/image} writes, confined to the output, input and temp folders:
 * names are refused when absolute, when they contain {@code ..}, or when a link leads out of the folder (403), and
 * when they are not plain names (400).
 */
public final class UserFiles {

    private final Folders folders;

    public UserFiles(Folders folders) {
        this.folders = folders;
    }

    /**
     * An existing file for {@code /view}.
     *
     * @throws ApiException 400 bad type or name, 403 a name leading out of the folder, 404 no such file
     */
    public Path existing(String type, String subfolder, String filename) {
        if (filename == null || filename.isEmpty()) throw ApiException.badRequest("invalid_request", "filename is required");
        Path root = realRoot(type);
        Path file = inside(root, subfolder, "subfolder").resolve(checkName(filename, "filename")).normalize();
        if (!file.startsWith(root)) throw forbidden("filename '" + filename + "' leads outside the " + type + " folder");
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw ApiException.of(404, "not_found", "no file '" + display(subfolder, filename) + "' in the " + type + " folder");
        }
        Path real;
        try {
            real = file.toRealPath();
        } catch (IOException e) {
            // A dangling link: as good as absent.
            throw ApiException.of(404, "not_found", "no file '" + display(subfolder, filename) + "' in the " + type + " folder");
        }
        if (!real.startsWith(root)) {
            throw forbidden("'" + display(subfolder, filename) + "' is a link leading outside the " + type + " folder");
        }
        if (!Files.isRegularFile(real)) {
            throw ApiException.of(404, "not_found", "'" + display(subfolder, filename) + "' in the " + type + " folder is not a file");
        }
        return real;
    }

    /**
     * Writes an upload and returns ComfyUI's {@code {name, subfolder, type}}. Without {@code overwrite}, an existing
     * name gets a " (1)", " (2)"... suffix, as ComfyUI does. The file appears whole or not at all.
     *
     * @throws ApiException 400 bad type or name, 403 a subfolder leading out of the folder, 500 the disk refused
     */
    public Map<String, Object> write(String type, String subfolder, String filename, boolean overwrite, byte[] content) {
        String name = checkName(filename, "the uploaded file's name");
        Path root = realRoot(type);
        Path dir = inside(root, subfolder, "subfolder");
        try {
            Files.createDirectories(dir);
            if (!dir.toRealPath().startsWith(root)) {
                throw forbidden("subfolder '" + subfolder + "' is a link leading outside the " + type + " folder");
            }
            Path target = dir.resolve(name);
            if (!overwrite) {
                target = freeName(dir, name);
            } else if (Files.isSymbolicLink(target) || Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                throw forbidden("'" + display(subfolder, name) + "' exists and is not a plain file; it is not replaced");
            }
            Path tmp = Files.createTempFile(dir, ".upload-", ".part");
            try {
                Files.write(tmp, content);
                move(tmp, target);
            } finally {
                Files.deleteIfExists(tmp);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("name", target.getFileName().toString());
            out.put("subfolder", subfolder == null ? "" : subfolder);
            out.put("type", type);
            return out;
        } catch (IOException e) {
            throw ApiException.of(500, "io_error", "could not write '" + display(subfolder, name) + "' in the " + type
                    + " folder: " + e.getMessage());
        }
    }

    private static void move(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static Path freeName(Path dir, String name) {
        Path target = dir.resolve(name);
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : "";
        for (int i = 1; Files.exists(target, LinkOption.NOFOLLOW_LINKS); i++) {
            target = dir.resolve(stem + " (" + i + ")" + ext);
        }
        return target;
    }

    /** The real path of the folder for {@code type}: output, input or temp. */
    private Path realRoot(String type) {
        Path root;
        if (type == null || type.isEmpty()) throw ApiException.badRequest("invalid_request", "type is required (output, input or temp)");
        switch (type) {
            case "output" -> root = folders.output();
            case "input" -> root = folders.input();
            case "temp" -> root = folders.temp();
            default -> throw ApiException.badRequest("invalid_request", "type must be output, input or temp, got '" + type + "'");
        }
        try {
            return root.toRealPath();
        } catch (IOException e) {
            throw ApiException.of(500, "io_error", "the " + type + " folder " + root + " cannot be read: " + e.getMessage());
        }
    }

    /** {@code root/subfolder}, refusing absolute paths and {@code ..}; empty or null means the root. */
    private static Path inside(Path root, String subfolder, String what) {
        if (subfolder == null || subfolder.isEmpty()) return root;
        String rel = subfolder.replace('\\', '/');
        if (rel.indexOf('\0') >= 0) throw ApiException.badRequest("invalid_request", what + " contains a NUL character");
        if (rel.startsWith("/") || rel.matches("^[A-Za-z]:.*") || Paths.get(rel).isAbsolute()) {
            throw forbidden(what + " '" + subfolder + "' must be a path inside the folder, not an absolute path");
        }
        for (String segment : rel.split("/")) {
            if (segment.equals("..")) throw forbidden(what + " '" + subfolder + "' must not contain '..'");
        }
        Path dir = root.resolve(rel).normalize();
        if (!dir.startsWith(root)) throw forbidden(what + " '" + subfolder + "' leads outside the folder");
        return dir;
    }

    /** A plain file name: no separators, not {@code .} or {@code ..}, no control characters. */
    private static String checkName(String name, String what) {
        if (name == null || name.isBlank()) throw ApiException.badRequest("invalid_request", what + " is empty");
        if (name.equals("..") || name.startsWith("/") || name.startsWith("\\") || name.matches("^[A-Za-z]:.*")
                || name.contains("/..") || name.contains("\\..") || name.contains("../") || name.contains("..\\")) {
            throw forbidden(what + " '" + name + "' leads outside the folder");
        }
        if (name.contains("/") || name.contains("\\")) {
            throw ApiException.badRequest("invalid_request", what + " '" + name + "' must be a plain name; put folders in subfolder");
        }
        if (name.equals(".") || name.length() > 255 || name.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.badRequest("invalid_request", what + " '" + name + "' is not a usable file name");
        }
        return name;
    }

    /** The lower-case extension of a name, without the dot, or "". */
    public static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static ApiException forbidden(String message) {
        return ApiException.of(403, "forbidden", message);
    }

    private static String display(String subfolder, String name) {
        return subfolder == null || subfolder.isEmpty() ? name : subfolder + "/" + name;
    }
}
