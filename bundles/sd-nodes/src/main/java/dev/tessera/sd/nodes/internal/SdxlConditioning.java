package dev.tessera.sd.nodes.internal;

import ai.djl.ndarray.NDManager;
import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.TextEncoder;
import java.util.LinkedHashMap;
import java.util.Map;

/** The entry point of CLIPTextEncodeSDXL into the SD CLIP handle (which is this bundle's internal class). */
public final class SdxlConditioning {

    private SdxlConditioning() {
    }

    /**
     * ComfyUI's CLIPTextEncodeSDXL on {@code clip}: {@code textG} through OpenCLIP-G, {@code textL} through
     * CLIP-L, the sizes stored on the entry for the UNet's added conditioning.
     *
     * @throws IllegalArgumentException if {@code clip} is not an SDXL CLIP (naming its family)
     */
    public static Conditioning encode(TextEncoder clip, String textG, String textL, int width, int height,
            int cropW, int cropH, int targetWidth, int targetHeight, NDManager owner) {
        if (!(clip instanceof SdTextEncoder sd) || !sd.isSdxl()) {
            throw new IllegalArgumentException("CLIPTextEncodeSDXL needs the CLIP of an SDXL checkpoint (two text"
                    + " encoders); this CLIP is for " + clip.family() + ": use CLIPTextEncode");
        }
        Map<String, Object> sizes = new LinkedHashMap<>();
        sizes.put("width", width);
        sizes.put("height", height);
        sizes.put("crop_w", cropW);
        sizes.put("crop_h", cropH);
        sizes.put("target_width", targetWidth);
        sizes.put("target_height", targetHeight);
        return sd.encodeSdxl(textG, textL, sizes, owner);
    }
}
