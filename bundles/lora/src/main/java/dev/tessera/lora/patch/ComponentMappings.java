package dev.tessera.lora.patch;

import ai.djl.ndarray.types.Shape;
import dev.tessera.lora.LoraException;
import dev.tessera.lora.LoraMapping;
import dev.tessera.model.api.ParameterView;
import java.util.LinkedHashMap;
import java.util.Map;

/** The LoRA key table for the component a {@link ParameterView} shows, chosen by its name and parameter names. */
public final class ComponentMappings {

    private ComponentMappings() {
    }

    /**
     * {@code unet}: the SD1.x/SD2.x table (an SDXL UNet, recognised by its added embedding, has none yet);
     * {@code text_encoder}: the CLIP table; {@code transformer}: FLUX if it has single-stream blocks, else SD3.
     *
     * @throws LoraException for a component no table covers
     */
    public static LoraMapping forView(ParameterView view) {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (String name : view.names()) {
            shapes.put(name, view.shape(name));
        }
        return switch (view.component()) {
            case "unet" -> {
                if (shapes.containsKey("add_embedding.linear_1.weight")) {
                    throw new LoraException("this UNet has SDXL's added conditioning: LoRA key tables cover SD1.x/SD2.x"
                            + " UNets, FLUX and SD3 transformers, not SDXL yet");
                }
                yield LoraMapping.forSd15Unet(shapes);
            }
            case "text_encoder" -> LoraMapping.forSd15TextEncoder(shapes);
            case "transformer" -> shapes.keySet().stream().anyMatch(n -> n.startsWith("single_transformer_blocks."))
                    ? LoraMapping.forFlux(shapes) : LoraMapping.forSd3(shapes);
            default -> throw new LoraException("no LoRA key table for a model component named '" + view.component()
                    + "' (known: unet, text_encoder, transformer)");
        };
    }
}
