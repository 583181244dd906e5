package dev.tessera.server.internal;

import dev.tessera.graph.api.Folders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * {@code GET /models} (the model folder names: ComfyUI's standard ones and any folder present under the models
 * directory) and {@code GET /models/{folder}} (the files in one, recursively, relative names with '/').
 */
public final class ModelFolders {

    /** ComfyUI's model folder names, listed even before they exist so editors know them. */
    public static final List<String> STANDARD = List.of("checkpoints", "clip", "clip_vision", "configs", "controlnet",
            "diffusers", "diffusion_models", "embeddings", "gligen", "hypernetworks", "loras", "photomaker",
            "style_models", "text_encoders", "unet", "upscale_models", "vae", "vae_approx");

    private final Folders folders;

    public ModelFolders(Folders folders) {
        this.folders = folders;
    }

    public List<String> folderNames() {
        TreeSet<String> names = new TreeSet<>(STANDARD);
        try (Stream<Path> list = Files.list(folders.models())) {
            list.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".")).forEach(names::add);
        } catch (IOException e) {
            throw ApiException.of(500, "io_error", "the models folder " + folders.models() + " cannot be listed: " + e.getMessage());
        }
        return List.copyOf(names);
    }

    /** @throws ApiException 404 for a name that is neither a standard folder nor present, or not a plain name */
    public List<String> files(String folder) {
        if (folder == null || !folder.matches("[A-Za-z0-9_][A-Za-z0-9_.\\-]*") || folder.contains("..")) {
            throw ApiException.of(404, "not_found", "no model folder named '" + folder + "'");
        }
        if (!STANDARD.contains(folder) && !Files.isDirectory(folders.models().resolve(folder))) {
            throw ApiException.of(404, "not_found", "no model folder named '" + folder + "' (known: " + folderNames() + ")");
        }
        try {
            return folders.listModelFiles(folder, List.of());
        } catch (RuntimeException e) {
            throw ApiException.of(500, "io_error", e.getMessage());
        }
    }
}
