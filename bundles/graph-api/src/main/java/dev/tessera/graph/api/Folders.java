package dev.tessera.graph.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the host keeps user files, with ComfyUI's names: {@code output}, {@code input}, {@code temp}, and the
 * model folders under the models directory ({@code checkpoints}, {@code loras}, {@code vae}, ...). The host
 * registers one as a service; nodes take it by reference.
 */
public interface Folders {

    Path output();

    Path input();

    Path temp();

    /** The models root. */
    Path models();

    /** The folder for one kind of model, e.g. {@code models().resolve("checkpoints")}. */
    default Path modelFolder(String kind) {
        return models().resolve(kind);
    }

    /**
     * The files in one model folder (recursively, relative names with '/' separators, sorted), whose names end
     * with one of {@code extensions}; the list a COMBO of model files offers. Files and linked folders leading
     * outside the folder are left out; the host's listing is a {@link ModelFileList} that counts them, so that a
     * message about an empty list or a missing name can say why.
     */
    List<String> listModelFiles(String kind, List<String> extensions);

    /**
     * Resolves a file name the user picked in a model folder to its real path, refusing names that lead outside it
     * (also through a link).
     *
     * @throws NodeException if the name is absolute, contains "..", the file does not exist or is a link (or lies in
     *                       a linked folder) leading outside the folder, or a file loaders read beside its real path
     *                       ({@code <stem>.arch.json}, the {@code <stem>.tokenizer/} folder and its contents) is a link
     *                       leading outside the models folder
     */
    Path resolveModelFile(String kind, String name);

    /**
     * Resolves a model folder the user picked (a diffusers pipeline, a transformers model folder), recognised by the
     * file {@code marker} in it ({@code model_index.json}, {@code config.json}); {@code "."} names the kind's folder
     * itself. Loaders read every file of such a folder, so all of them are confined as a chosen file is.
     *
     * @throws NodeException as {@link #resolveModelFile} for the marker, or as {@link #checkInsideModels} for any
     *                       file in the folder
     */
    default Path resolveModelFolder(String kind, String name, String marker) {
        String file = ".".equals(name) ? marker : name + "/" + marker;
        return checkInsideModels(resolveModelFile(kind, file).getParent());
    }

    /**
     * Checks a file or folder that a loader reads without the user naming it (a tokenizer beside a checkpoint, the
     * shared {@code models/tokenizers/} folder, the parts of a model folder): it and, for a folder, everything in it
     * must lie inside the models folder with every link followed. Nothing to check when it does not exist.
     *
     * @return {@code path}
     * @throws NodeException naming the first entry that is (or lies in) a link leading outside, or cannot be read
     */
    default Path checkInsideModels(Path path) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return path;
        }
        List<Path> parts;
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            // Not following links while walking: each entry that is a link is checked where it leads.
            try (Stream<Path> walk = Files.walk(path)) {
                parts = walk.toList();
            } catch (IOException | UncheckedIOException e) {
                throw new NodeException("invalid_input", null, path + " cannot be read: " + e.getMessage(), e);
            }
        } else {
            parts = List.of(path);
        }
        Path root = models();
        for (Path part : parts) {
            if (!staysInside(part, root)) {
                throw new NodeException("invalid_input", null, part + " is (or lies in) a link leading outside "
                        + root + ", or cannot be read");
            }
        }
        return path;
    }

    /**
     * Whether {@code file}, with every link followed, lies inside the real path of {@code folder}: a file reached
     * through a link (to a file or a folder) that leads out of the folder is not inside. Every file a node reads
     * by a name from a workflow must pass this (names alone can be checked for {@code ..}; links cannot).
     *
     * @return false also when either cannot be read (missing, a dangling link)
     */
    static boolean staysInside(Path file, Path folder) {
        try {
            return file.toRealPath().startsWith(folder.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }
}
