package dev.tessera.cli.internal;

import dev.tessera.graph.api.Folders;
import java.nio.file.Path;
import java.util.List;

/** Folders under one root with ComfyUI's names, as the engine's FileFolders lays them out. */
record FixedFolders(Path root) implements Folders {

    @Override
    public Path output() {
        return root.resolve("output");
    }

    @Override
    public Path input() {
        return root.resolve("input");
    }

    @Override
    public Path temp() {
        return root.resolve("temp");
    }

    @Override
    public Path models() {
        return root.resolve("models");
    }

    @Override
    public List<String> listModelFiles(String kind, List<String> extensions) {
        return List.of();
    }

    @Override
    public Path resolveModelFile(String kind, String name) {
        return modelFolder(kind).resolve(name);
    }
}
