package dev.tessera.lora.patch;

import ai.djl.ndarray.types.Shape;
import dev.tessera.lora.LoraException;
import dev.tessera.lora.LoraMapping;
import dev.tessera.model.api.ParameterView;
import java.util.LinkedHashMap;
import java.util.Map;

/** The LoRA key table for the component a {@link ParameterView} shows, chosen by its name and parameter names. */
public final class ComponentMappings {

    /** The component names of the two CLIP encoders of SDXL (and SD3), as ComfyUI names SDXL's clip parts. */
    public static final String CLIP_L = "clip_l";
    public static final String CLIP_G = "clip_g";

    private ComponentMappings() {
    }

    /**
     * {@code unet}: the SD1.x/SD2.x table, or SDXL's for a UNet with added conditioning; {@code text_encoder}: the
     * SD1.x CLIP table; {@code clip_l}/{@code clip_g}: the two CLIP encoders of SDXL (and SD3), kohya
     * {@code lora_te1_}/{@code lora_te2_}; {@code transformer}: FLUX if it has single-stream blocks, else SD3.
     *
     * @throws LoraException for a component no table covers
     */
    public static LoraMapping forView(ParameterView view) {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (String name : view.names()) {
            shapes.put(name, view.shape(name));
        }
        return switch (view.component()) {
            case "unet" -> shapes.containsKey("add_embedding.linear_1.weight") ? LoraMapping.forSdxlUnet(shapes)
                    : LoraMapping.forSd15Unet(shapes);
            case "text_encoder" -> LoraMapping.forSd15TextEncoder(shapes);
            case CLIP_L -> LoraMapping.forDualClip(shapes, true);
            case CLIP_G -> LoraMapping.forDualClip(shapes, false);
            case "transformer" -> shapes.keySet().stream().anyMatch(n -> n.startsWith("single_transformer_blocks."))
                    ? LoraMapping.forFlux(shapes) : LoraMapping.forSd3(shapes);
            default -> throw new LoraException("no LoRA key table for a model component named '" + view.component()
                    + "' (known: unet, text_encoder, clip_l, clip_g, transformer)");
        };
    }

    /**
     * Which of a LoRA's text-encoder keys are for {@code component}: with two encoders, each takes its own
     * ({@code lora_te1_}/{@code text_encoder.} for CLIP-L, {@code lora_te2_}/{@code text_encoder_2.} for CLIP-G),
     * so neither reports the other's modules as unmatched.
     */
    public static boolean keyFor(String component, String key) {
        return switch (component) {
            case CLIP_L -> !key.startsWith("lora_te2_") && !key.startsWith("text_encoder_2.")
                    && !key.startsWith("lora_te3_") && !key.startsWith("text_encoder_3.");
            case CLIP_G -> key.startsWith("lora_te2_") || key.startsWith("text_encoder_2.");
            default -> true;
        };
    }
}
