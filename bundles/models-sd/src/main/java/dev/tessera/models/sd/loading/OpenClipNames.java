package dev.tessera.models.sd.loading;

import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.loading.StoredPart;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OpenCLIP's text tower names (as SDXL's {@code conditioner.embedders.1.model.*} and SD2's
 * {@code cond_stage_model.model.*} store them) for the transformers CLIP names {@link dev.tessera.models.sd.CLIPTextModel}
 * asks for: the fused attention {@code in_proj_weight}/{@code in_proj_bias} [3 x hidden, ...] are cut into q, k, v
 * (rows in that order, as nn.MultiheadAttention packs them) and {@code text_projection}, stored [in, out] and
 * applied as {@code x @ P}, is transposed to a linear weight. The conversion happens here, at the loading edge;
 * diffusers' and ComfyUI's SDXL conversions map the same names.
 */
public final class OpenClipNames {

    private static final Pattern LAYER = Pattern.compile("encoder\\.layers\\.(\\d+)\\.(.+)");
    private static final Map<String, String> LAYER_PARTS = Map.of(
            "layer_norm1", "ln_1", "layer_norm2", "ln_2", "self_attn.out_proj", "attn.out_proj",
            "mlp.fc1", "mlp.c_fc", "mlp.fc2", "mlp.c_proj");
    private static final String[] QKV = {"q_proj", "k_proj", "v_proj"};

    private OpenClipNames() {
    }

    /**
     * Where each parameter of {@code expected} (canonical name to shape) is stored in {@code file} under
     * {@code prefix} (e.g. {@code conditioner.embedders.1.model.}).
     */
    public static Map<String, StoredPart> parts(SafetensorsFile file, String prefix, Map<String, Shape> expected) {
        Map<String, StoredPart> parts = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> entry : expected.entrySet()) {
            parts.put(entry.getKey(), part(file, prefix, entry.getKey(), entry.getValue()));
        }
        return parts;
    }

    private static StoredPart part(SafetensorsFile file, String prefix, String name, Shape shape) {
        switch (name) {
            case "embeddings.token_embedding.weight":
                return StoredPart.whole(file, prefix + "token_embedding.weight");
            case "embeddings.position_embedding.weight":
                return StoredPart.whole(file, prefix + "positional_embedding");
            case "text_projection.weight":
                return StoredPart.transposed(file, prefix + "text_projection");
            default:
                break;
        }
        if (name.startsWith("final_layer_norm.")) {
            return StoredPart.whole(file, prefix + "ln_final." + name.substring("final_layer_norm.".length()));
        }
        Matcher layer = LAYER.matcher(name);
        if (!layer.matches()) {
            return StoredPart.whole(file, prefix + name);
        }
        String block = prefix + "transformer.resblocks." + layer.group(1) + ".";
        String rest = layer.group(2);
        int dot = rest.lastIndexOf('.');
        String module = rest.substring(0, dot);
        String kind = rest.substring(dot + 1);
        for (int i = 0; i < QKV.length; i++) {
            if (module.equals("self_attn." + QKV[i])) {
                long rows = shape.get(0);
                return StoredPart.rows(file, block + "attn.in_proj_" + kind, i * rows, rows, 3 * rows);
            }
        }
        return StoredPart.whole(file, block + LAYER_PARTS.getOrDefault(module, module) + "." + kind);
    }
}
