package dev.tessera.graph.api;

import java.util.Objects;

/**
 * A file a node wrote for the user to see, in ComfyUI's {@code {filename, subfolder, type}} shape; {@code type}
 * is one of {@code output}, {@code input}, {@code temp}.
 */
public record ImageRef(String filename, String subfolder, String type) {
    public ImageRef {
        Objects.requireNonNull(filename, "filename");
        subfolder = subfolder == null ? "" : subfolder;
        Objects.requireNonNull(type, "type");
    }
}
