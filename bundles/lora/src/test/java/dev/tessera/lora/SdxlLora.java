package dev.tessera.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A kohya-named LoRA for the pack's tiny SDXL, built from its single file's names and shapes as sd-scripts names
 * them: {@code lora_unet_<LDM path>} for the UNet's attention linears, {@code lora_te1_text_model_…} for the
 * CLIP-L encoder, {@code lora_te2_text_model_…} for the OpenCLIP-G encoder (whose fused {@code in_proj} is q/k/v).
 */
public final class SdxlLora {

    private static final String FILE = "sdxl/single-file/tiny-sdxl-unet-te.safetensors";
    private static final Pattern UNET_ATTENTION = Pattern.compile(
            "model\\.diffusion_model\\.(.+\\.attn[12]\\.(to_q|to_k|to_v|to_out\\.0))\\.weight");
    private static final Pattern TE1 = Pattern.compile(
            "conditioner\\.embedders\\.0\\.transformer\\.(?:text_model\\.)?(encoder\\.layers\\.\\d+\\."
                    + "(self_attn\\.(q|k|v|out)_proj|mlp\\.fc1))\\.weight");
    private static final Pattern TE2_IN = Pattern.compile(
            "conditioner\\.embedders\\.1\\.model\\.transformer\\.resblocks\\.(\\d+)\\.attn\\.in_proj_weight");

    private SdxlLora() {
    }

    public static Map<String, NDArray> forPackSdxl(NDManager manager) {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        Pack.shapes(FILE).forEach((name, shape) -> {
            Matcher unet = UNET_ATTENTION.matcher(name);
            if (unet.matches()) {
                pair(tensors, "lora_unet_" + unet.group(1).replace('.', '_'), shape.get(0), shape.get(1), manager);
            }
            Matcher te1 = TE1.matcher(name);
            if (te1.matches()) {
                pair(tensors, "lora_te1_text_model_" + te1.group(1).replace('.', '_'), shape.get(0), shape.get(1),
                        manager);
            }
            Matcher te2 = TE2_IN.matcher(name);
            if (te2.matches()) {
                long width = shape.get(1);
                for (String p : new String[] {"q", "k", "v"}) {
                    pair(tensors, "lora_te2_text_model_encoder_layers_" + te2.group(1) + "_self_attn_" + p + "_proj",
                            width, width, manager);
                }
            }
        });
        return tensors;
    }

    private static void pair(Map<String, NDArray> tensors, String key, long out, long in, NDManager manager) {
        tensors.put(key + ".lora_down.weight", manager.randomNormal(new Shape(4, in)));
        tensors.put(key + ".lora_up.weight", manager.randomNormal(new Shape(out, 4)));
        tensors.put(key + ".alpha", manager.create(4f));
    }
}
