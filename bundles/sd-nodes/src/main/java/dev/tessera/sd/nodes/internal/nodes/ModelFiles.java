package dev.tessera.sd.nodes.internal.nodes;

import dev.tessera.graph.api.Folders;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.ModelFileList;
import dev.tessera.graph.api.NodeException;
import dev.tessera.models.core.sharing.FileStamp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Model files in ComfyUI's folders under the models directory ({@code checkpoints}, {@code vae}, {@code configs},
 * {@code tokenizers}): the COMBO inputs that list them (read again whenever asked, so new files appear without a
 * restart) and the resolution of a chosen name.
 */
final class ModelFiles {

    static final String CHECKPOINTS = "checkpoints";
    static final String VAE = "vae";
    static final String CONFIGS = "configs";
    static final String DIFFUSERS = "diffusers";
    /** What marks a diffusers pipeline folder, as ComfyUI's DiffusersLoader looks for it. */
    static final String MODEL_INDEX = "model_index.json";
    static final List<String> SAFETENSORS = List.of(".safetensors");
    static final List<String> ARCH_FILES = List.of(".arch.json");
    /** Beside {@code name.safetensors}, a folder {@code name.tokenizer/} holds that checkpoint's own tokenizer. */
    static final String TOKENIZER_SUFFIX = ".tokenizer";

    private ModelFiles() {}

    /** A COMBO of the files of {@code kind} ending in one of {@code extensions}. */
    static InputSpec combo(String input, Folders folders, String kind, List<String> extensions) {
        return InputSpec.combo(input, () -> folders.listModelFiles(kind, extensions), null);
    }

    /**
     * A COMBO of the diffusers pipeline folders (those holding a {@code model_index.json}) under the {@code kind}
     * folder, by their relative paths; read again whenever asked, as the file COMBOs.
     */
    static InputSpec folderCombo(String input, Folders folders, String kind) {
        // The host matches extensions (".json"), not whole names: filter the name here.
        return InputSpec.combo(input, () -> {
            List<String> files = folders.listModelFiles(kind, List.of(".json"));
            List<String> names = files.stream()
                    .filter(f -> f.equals(MODEL_INDEX) || f.endsWith("/" + MODEL_INDEX))
                    .map(f -> f.equals(MODEL_INDEX) ? "." : f.substring(0, f.length() - MODEL_INDEX.length() - 1))
                    .toList();
            // Keeps the host's count of links leading out, for the message when the name is not among these.
            return ModelFileList.keepingSkipped(files, names);
        }, null);
    }

    /**
     * The diffusers folder chosen in {@code input} (recognised by its {@code model_index.json}; the host refuses a
     * name, or any file in the folder, leading outside the models folder), or a NodeException naming the input.
     */
    static Path resolveFolder(Folders folders, String kind, String input, String name) {
        try {
            return folders.resolveModelFolder(kind, name, MODEL_INDEX);
        } catch (NodeException e) {
            throw NodeException.invalidInput(input, "'" + name + "' is not a diffusers folder (a folder holding "
                    + MODEL_INDEX + ") in " + folders.modelFolder(kind) + ": " + e.getMessage());
        }
    }

    /**
     * Where the CLIP tokenizer of diffusers folder {@code folder} is looked for: its own {@code tokenizer/}, then
     * {@code <models>/tokenizers/clip_l/}.
     */
    static List<Path> diffusersTokenizerFolders(Folders folders, Path folder) {
        return List.of(folder.resolve("tokenizer"), sharedTokenizerFolder(folders));
    }

    /** A change key for every safetensors and JSON file under {@code folder} (a diffusers pipeline). */
    static String folderFingerprint(Path folder) {
        if (!Files.isDirectory(folder)) {
            return folder + "|missing";
        }
        try (var walk = Files.walk(folder)) {
            StringBuilder key = new StringBuilder();
            walk.filter(Files::isRegularFile).map(Path::toString).filter(n -> n.endsWith(".safetensors")
                    || n.endsWith(".json") || n.endsWith(".txt")).sorted()
                    .forEach(n -> key.append(fingerprint(Path.of(n))).append(';'));
            return key.toString();
        } catch (IOException | java.io.UncheckedIOException e) {
            return folder + "|unreadable";
        }
    }

    /** The file chosen in {@code input}, or a NodeException naming the input. */
    static Path resolve(Folders folders, String kind, String input, String name) {
        try {
            return folders.resolveModelFile(kind, name);
        } catch (NodeException e) {
            throw NodeException.invalidInput(input, e.getMessage());
        }
    }

    /**
     * Where the CLIP tokenizer of checkpoint {@code file} is looked for: {@code <name>.tokenizer/} beside it, then
     * {@code <models>/tokenizers/clip_l/} (filled once by the user with any SD1.x tokenizer).
     */
    static List<Path> tokenizerFolders(Folders folders, Path file) {
        String name = file.getFileName().toString().replaceFirst("(?i)\\.safetensors$", "");
        return List.of(file.resolveSibling(name + TOKENIZER_SUFFIX), sharedTokenizerFolder(folders));
    }

    /** {@code <models>/tokenizers/clip_l/}, read without the user naming it: confined like a chosen file. */
    private static Path sharedTokenizerFolder(Folders folders) {
        return folders.checkInsideModels(folders.models().resolve("tokenizers").resolve("clip_l"));
    }

    /** A change key for a file: its size and modification time, so a replaced file loads anew. */
    static String fingerprint(Path file) {
        return FileStamp.changeKey(file);
    }
}
