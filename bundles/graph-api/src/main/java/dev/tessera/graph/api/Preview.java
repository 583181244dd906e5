package dev.tessera.graph.api;

import java.util.Objects;

/** An encoded preview image sent with a progress report (ComfyUI's binary preview frame). */
public record Preview(Format format, byte[] data) {
    public enum Format { JPEG, PNG }

    public Preview {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(data, "data");
    }
}
