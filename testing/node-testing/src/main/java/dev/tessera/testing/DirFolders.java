package dev.tessera.testing;

import dev.tessera.graph.api.Folders;
import dev.tessera.graph.engine.internal.TestEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Folders under one root, created on construction: {@code input/}, {@code output/}, {@code temp/} and
 * {@code models/} (or a models folder given apart). Listing and resolving model files is the host's own code
 * (the engine's folders), so node tests meet the real confinement rule: real paths, links leading out refused.
 */
public final class DirFolders implements Folders {

    private final Path root;
    private final Folders host;

    public DirFolders(Path root, Path models) {
        try {
            for (Path dir : List.of(root.resolve("input"), root.resolve("output"), root.resolve("temp"), models)) {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.root = root;
        this.host = TestEngine.hostFolders(root, models);
    }

    public DirFolders(Path root) {
        this(root, root.resolve("models"));
    }

    /** The folder {@code input/}, {@code output/} and {@code temp/} are in. */
    public Path root() { return root; }

    @Override public Path output() { return host.output(); }
    @Override public Path input() { return host.input(); }
    @Override public Path temp() { return host.temp(); }
    @Override public Path models() { return host.models(); }
    @Override public Path modelFolder(String kind) { return host.modelFolder(kind); }

    @Override
    public List<String> listModelFiles(String kind, List<String> extensions) {
        return host.listModelFiles(kind, extensions);
    }

    @Override
    public Path resolveModelFile(String kind, String name) {
        return host.resolveModelFile(kind, name);
    }

    @Override
    public Path resolveModelFolder(String kind, String name, String marker) {
        return host.resolveModelFolder(kind, name, marker);
    }

    @Override
    public Path checkInsideModels(Path path) {
        return host.checkInsideModels(path);
    }
}
