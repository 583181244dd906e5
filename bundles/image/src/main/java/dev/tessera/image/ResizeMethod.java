package dev.tessera.image;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The resampling methods of ComfyUI's ImageScale, under its names. */
public enum ResizeMethod {
    /** PyTorch {@code nearest-exact}: source index {@code floor((i + 0.5) * in / out)}. */
    NEAREST_EXACT("nearest-exact"),
    /** PyTorch {@code bilinear}, {@code align_corners=False}, no antialiasing. */
    BILINEAR("bilinear"),
    /** PyTorch {@code area}: adaptive average pooling. */
    AREA("area"),
    /** PyTorch {@code bicubic} (A = -0.75), {@code align_corners=False}, no antialiasing, not clamped. */
    BICUBIC("bicubic"),
    /** PIL's Lanczos-3 on 8-bit samples, as ComfyUI's {@code lanczos}. */
    LANCZOS("lanczos");

    private final String comfyName;

    ResizeMethod(String comfyName) {
        this.comfyName = comfyName;
    }

    public String comfyName() {
        return comfyName;
    }

    public static Optional<ResizeMethod> byComfyName(String name) {
        return Arrays.stream(values()).filter(m -> m.comfyName.equals(name)).findFirst();
    }

    public static List<String> comfyNames() {
        return Arrays.stream(values()).map(ResizeMethod::comfyName).toList();
    }
}
