package dev.tessera.conformance.runner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where a pack keeps its cases (the pack README's rule): a case is one file under {@code <family>/cases/}, a file
 * {@code <family>/cases} or {@code <family>/cases.<ext>} (as {@code lora/cases.safetensors}), or one file under
 * {@code schedulers/}; the family is the top-level folder. Models and configs beside them, and files at the root,
 * are not cases. Hidden files (names starting with a dot) are ignored.
 */
public final class PackLayout {

    /** The one family whose folder holds cases directly, with no {@code cases} folder. */
    static final String CASES_AT_TOP = "schedulers";

    private PackLayout() {}

    /**
     * Every case of the pack at {@code root}, sorted by id.
     *
     * @throws IllegalArgumentException when {@code root} is missing, not a folder, or holds no case
     */
    public static List<PackCase> discover(Path root) {
        if (!Files.exists(root)) {
            throw new IllegalArgumentException("conformance pack " + root + " does not exist");
        }
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("conformance pack " + root + " is not a directory");
        }
        List<PackCase> cases = new ArrayList<>();
        for (Path family : list(root)) {
            if (Files.isDirectory(family) && !hidden(family)) {
                casesOf(root, family).forEach(cases::add);
            }
        }
        if (cases.isEmpty()) {
            throw new IllegalArgumentException("conformance pack " + root + " holds no case: a case is a file under"
                    + " <family>/cases/, a file <family>/cases.<ext> or a file under " + CASES_AT_TOP + "/");
        }
        cases.sort(Comparator.comparing(PackCase::id));
        return cases;
    }

    private static List<PackCase> casesOf(Path root, Path family) {
        String name = family.getFileName().toString();
        List<Path> files = new ArrayList<>();
        if (name.equals(CASES_AT_TOP)) {
            files.addAll(walk(family));
        }
        for (Path child : list(family)) {
            String childName = child.getFileName().toString();
            if (Files.isDirectory(child) && childName.equals("cases")) {
                files.addAll(walk(child));
            } else if (Files.isRegularFile(child) && (childName.equals("cases") || childName.startsWith("cases."))
                    && !name.equals(CASES_AT_TOP)) {
                files.add(child);
            }
        }
        return files.stream().distinct().map(f -> new PackCase(name, id(root, f), f)).toList();
    }

    private static String id(Path root, Path file) {
        List<String> parts = new ArrayList<>();
        root.relativize(file).forEach(p -> parts.add(p.toString()));
        return String.join("/", parts);
    }

    private static boolean hidden(Path path) {
        return path.getFileName().toString().startsWith(".");
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> children = Files.list(dir)) {
            return children.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Regular, non-hidden files below {@code dir}, skipping hidden folders. */
    private static List<Path> walk(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).filter(f -> noHiddenPart(dir.relativize(f))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static boolean noHiddenPart(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return false;
            }
        }
        return true;
    }
}
