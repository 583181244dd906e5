package dev.tessera.lora.bundle;

import ai.djl.ndarray.NDManager;
import dev.tessera.lora.LoraException;
import dev.tessera.lora.LoraFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;

/**
 * Writes and reads LoRA bundles. A LoRA bundle is an OSGi bundle without code: its jar holds the safetensors files
 * and the manifest header {@value #HEADER} declares each one by the name LoraLoader offers and its entry path:
 *
 * <pre>Tessera-LoRA: my_style;path="loras/my_style.safetensors"</pre>
 *
 * Several clauses, separated by commas, declare several files. Names are letters, digits, '_', '-' and single dots
 * between them (at most 100 characters, starting with a letter or digit), so they need no quoting and serve as
 * file names and as the last part of a bundle symbolic name.
 */
public final class LoraBundles {

    /** The manifest header that declares the LoRA files of a bundle. */
    public static final String HEADER = "Tessera-LoRA";
    /** The attribute of a clause giving the file's entry path in the jar. */
    public static final String PATH_ATTRIBUTE = "path";
    /** Prefix of the symbolic names of the bundles {@link #write} makes. */
    public static final String SYMBOLIC_NAME_PREFIX = "dev.tessera.lora.pack.";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9_-]|\\.(?=[A-Za-z0-9_-])){0,99}");

    private LoraBundles() {
    }

    /** One LoRA file a bundle declares: the option name and the jar entry holding it. */
    public record Declared(String name, String path) {
    }

    /** What {@link #write} made. */
    public record Written(Path jar, String name, String symbolicName, int modules) {
    }

    /** Whether {@code name} may name a LoRA in a bundle. */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /**
     * The name a file gets when none is given: its file name without {@code .safetensors}, every character a name
     * may not hold replaced by '_'.
     */
    public static String defaultName(Path lora) {
        String stem = lora.getFileName().toString().replaceFirst("(?i)\\.safetensors$", "");
        String name = stem.replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("\\.{2,}", "_")
                .replaceFirst("^[._-]+", "");
        name = name.length() > 100 ? name.substring(0, 100) : name;
        name = name.replaceFirst("\\.+$", "");
        return isValidName(name) ? name : "lora";
    }

    /**
     * Checks that {@code lora} is a LoRA file this bundle can read (format, factor pairs, ranks, alphas), then writes
     * {@code <outDir>/lora-<name>.jar}: a bundle {@code dev.tessera.lora.pack.<name>} version 1.0.0 holding the file
     * as {@code loras/<name>.safetensors} (stored, not compressed) and declaring it under {@code name}. An existing
     * jar of that name is replaced.
     *
     * @param manager reads the file's alpha scalars while it is checked
     * @throws LoraException naming the file if it is not a readable LoRA, or the name if it is not valid
     * @throws IOException if the jar cannot be written
     */
    public static Written write(Path lora, String name, Path outDir, NDManager manager) throws IOException {
        if (!isValidName(name)) {
            throw new LoraException("LoRA name '" + name + "' is not valid: use 1 to 100 letters, digits, '_', '-'"
                    + " or single dots, starting with a letter or digit");
        }
        int modules;
        try (NDManager scratch = manager.newSubManager(); LoraFile file = LoraFile.open(lora, scratch)) {
            modules = file.modules().size();
        }
        String symbolicName = SYMBOLIC_NAME_PREFIX + name;
        String entry = "loras/" + name + ".safetensors";
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue("Bundle-Name", "LoRA " + name);
        main.putValue("Bundle-Description", "LoRA weights " + lora.getFileName() + " for Tessera's LoraLoader");
        main.putValue(HEADER, name + ";" + PATH_ATTRIBUTE + "=\"" + entry + "\"");

        Files.createDirectories(outDir);
        Path jar = outDir.resolve("lora-" + name + ".jar");
        // Written beside the target and moved: a watched plugins/ folder never sees half a jar.
        Path partial = Files.createTempFile(outDir, ".lora-" + name, ".part");
        try {
            try (OutputStream out = Files.newOutputStream(partial);
                    JarOutputStream jarOut = new JarOutputStream(out, manifest)) {
                JarEntry data = new JarEntry(entry);
                data.setMethod(ZipEntry.STORED); // safetensors data barely compresses; stored extracts at disk speed
                data.setSize(Files.size(lora));
                data.setCompressedSize(Files.size(lora));
                data.setCrc(crc(lora));
                jarOut.putNextEntry(data);
                Files.copy(lora, jarOut);
                jarOut.closeEntry();
            }
            Files.move(partial, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
        return new Written(jar, name, symbolicName, modules);
    }

    /**
     * The files a {@value #HEADER} header value declares.
     *
     * @throws IllegalArgumentException saying which clause is wrong and what was expected
     */
    public static List<Declared> parse(String header) {
        if (header == null || header.isBlank()) {
            throw new IllegalArgumentException(HEADER + " is empty; expected name;path=\"entry.safetensors\"");
        }
        List<Declared> declared = new ArrayList<>();
        for (String clause : split(header, ',')) {
            List<String> parts = split(clause, ';');
            String name = parts.get(0).strip();
            if (!isValidName(name)) {
                throw new IllegalArgumentException(HEADER + " clause '" + clause.strip() + "': name '" + name
                        + "' is not valid (1 to 100 letters, digits, '_', '-' or single dots, starting with a letter or digit)");
            }
            String path = null;
            for (String attribute : parts.subList(1, parts.size())) {
                int eq = attribute.indexOf('=');
                if (eq < 0) {
                    throw new IllegalArgumentException(HEADER + " clause '" + clause.strip() + "': '"
                            + attribute.strip() + "' is not key=value");
                }
                String key = attribute.substring(0, eq).strip();
                String value = unquote(attribute.substring(eq + 1).strip());
                if (key.equals(PATH_ATTRIBUTE)) {
                    path = value;
                }
            }
            if (path == null || path.isEmpty()) {
                throw new IllegalArgumentException(HEADER + " clause '" + clause.strip() + "': no " + PATH_ATTRIBUTE
                        + "=\"<entry in the jar>\"");
            }
            if (!path.toLowerCase(Locale.ROOT).endsWith(".safetensors")) {
                throw new IllegalArgumentException(HEADER + " clause '" + clause.strip() + "': path '" + path
                        + "' is not a .safetensors file (pickle files are never loaded)");
            }
            if (path.startsWith("/") || path.contains("..")) {
                throw new IllegalArgumentException(HEADER + " clause '" + clause.strip() + "': path '" + path
                        + "' must be a relative entry path without '..'");
            }
            String finalName = name;
            if (declared.stream().anyMatch(d -> d.name().equals(finalName))) {
                throw new IllegalArgumentException(HEADER + ": name '" + name + "' is declared twice");
            }
            declared.add(new Declared(name, path));
        }
        return List.copyOf(declared);
    }

    /** Splits on {@code separator} outside double quotes. */
    private static List<String> split(String text, char separator) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (char c : text.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == separator && !quoted) {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException(HEADER + " '" + text + "': unbalanced quote");
        }
        parts.add(current.toString());
        return parts;
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }

    private static long crc(Path file) throws IOException {
        CRC32 crc = new CRC32();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                crc.update(buffer, 0, n);
            }
        }
        return crc.getValue();
    }
}
