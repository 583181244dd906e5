package dev.tessera.image;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** ComfyUI's crop choice when scaling: keep everything, or cut the centre to the target aspect first. */
public enum CropMode {
    DISABLED("disabled"),
    CENTER("center");

    private final String comfyName;

    CropMode(String comfyName) {
        this.comfyName = comfyName;
    }

    public String comfyName() {
        return comfyName;
    }

    public static Optional<CropMode> byComfyName(String name) {
        return Arrays.stream(values()).filter(m -> m.comfyName.equals(name)).findFirst();
    }

    public static List<String> comfyNames() {
        return Arrays.stream(values()).map(CropMode::comfyName).toList();
    }
}
