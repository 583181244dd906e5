package dev.tessera.testing;

import dev.tessera.graph.api.Folders;
import dev.tessera.graph.api.NodeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Folders under one root, created on construction: {@code input/}, {@code output/}, {@code temp/} and
 * {@code models/} (or a models folder given apart), listing and resolving model files as the host does.
 */
public record DirFolders(Path root, Path models) implements Folders {

    public DirFolders {
        try {
            for (Path dir : List.of(root.resolve("input"), root.resolve("output"), root.resolve("temp"), models)) {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public DirFolders(Path root) {
        this(root, root.resolve("models"));
    }

    @Override public Path output() { return root.resolve("output"); }
    @Override public Path input() { return root.resolve("input"); }
    @Override public Path temp() { return root.resolve("temp"); }

    @Override
    public List<String> listModelFiles(String kind, List<String> extensions) {
        Path folder = modelFolder(kind);
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile)
                    .map(p -> folder.relativize(p).toString().replace('\\', '/'))
                    .filter(name -> extensions.stream().anyMatch(name::endsWith))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Path resolveModelFile(String kind, String name) {
        if (name.contains("..") || Path.of(name).isAbsolute()) {
            throw NodeException.invalidInput(kind, "'" + name + "' leads outside the " + kind + " folder");
        }
        Path file = modelFolder(kind).resolve(name);
        if (!Files.isRegularFile(file)) {
            throw NodeException.invalidInput(kind, "no file '" + name + "' in " + modelFolder(kind));
        }
        return file;
    }
}
