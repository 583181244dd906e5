package dev.tessera.graph.api;

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
     * Resolves a file name the user picked in a model folder, refusing names that lead outside it.
     *
     * @throws NodeException if the name is absolute, contains "..", or the file does not exist
     */
    Path resolveModelFile(String kind, String name);
}
