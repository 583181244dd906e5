package dev.tessera.graph.api;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

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
     * with one of {@code extensions}; the list a COMBO of model files offers.
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
