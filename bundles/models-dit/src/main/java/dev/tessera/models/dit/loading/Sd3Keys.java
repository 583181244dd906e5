package dev.tessera.models.dit.loading;

import dev.tessera.models.core.loading.StoredPart;
import dev.tessera.models.dit.Sd3TransformerConfig;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * diffusers' SD3 transformer names to the original SD3 (MMDiT) layout's, as diffusers' single-file conversion
 * (convert_sd3_transformer_checkpoint_to_diffusers) does it in reverse: fused {@code qkv} cut by rows; the last
 * block's pre-only context modulation and {@code final_layer.adaLN_modulation.1} store (shift, scale) where
 * diffusers' continuous adaLN has (scale, shift).
 */
final class Sd3Keys {

    private Sd3Keys() {
    }

    static Map<String, StoredPart> original(Sd3TransformerConfig config, SafetensorsFile file, String prefix) {
        Map<String, StoredPart> parts = new LinkedHashMap<>();
        StoredNames map = new StoredNames(parts, file, prefix);
        long hidden = config.hiddenSize();
        map.whole("pos_embed.pos_embed", "pos_embed");
        map.linear("pos_embed.proj", "x_embedder.proj");
        map.linear("context_embedder", "context_embedder");
        map.linear("time_text_embed.timestep_embedder.linear_1", "t_embedder.mlp.0");
        map.linear("time_text_embed.timestep_embedder.linear_2", "t_embedder.mlp.2");
        map.linear("time_text_embed.text_embedder.linear_1", "y_embedder.mlp.0");
        map.linear("time_text_embed.text_embedder.linear_2", "y_embedder.mlp.2");
        String[] image = {"to_q", "to_k", "to_v"};
        String[] text = {"add_q_proj", "add_k_proj", "add_v_proj"};
        for (int i = 0; i < config.numLayers(); i++) {
            String d = "transformer_blocks." + i + ".";
            String x = "joint_blocks." + i + ".x_block.";
            String c = "joint_blocks." + i + ".context_block.";
            boolean preOnly = i == config.numLayers() - 1;
            map.linear(d + "norm1.linear", x + "adaLN_modulation.1");
            if (preOnly) {
                map.swapped(d + "norm1_context.linear", c + "adaLN_modulation.1");
            } else {
                map.linear(d + "norm1_context.linear", c + "adaLN_modulation.1");
            }
            for (int j = 0; j < 3; j++) {
                map.rows(d + "attn." + image[j], x + "attn.qkv", j * hidden, hidden, 3 * hidden);
                map.rows(d + "attn." + text[j], c + "attn.qkv", j * hidden, hidden, 3 * hidden);
            }
            if (config.qkNorm()) {
                map.whole(d + "attn.norm_q.weight", x + "attn.ln_q.weight");
                map.whole(d + "attn.norm_k.weight", x + "attn.ln_k.weight");
                map.whole(d + "attn.norm_added_q.weight", c + "attn.ln_q.weight");
                map.whole(d + "attn.norm_added_k.weight", c + "attn.ln_k.weight");
            }
            map.linear(d + "attn.to_out.0", x + "attn.proj");
            map.linear(d + "ff.net.0.proj", x + "mlp.fc1");
            map.linear(d + "ff.net.2", x + "mlp.fc2");
            if (!preOnly) {
                map.linear(d + "attn.to_add_out", c + "attn.proj");
                map.linear(d + "ff_context.net.0.proj", c + "mlp.fc1");
                map.linear(d + "ff_context.net.2", c + "mlp.fc2");
            }
            if (config.dualAttentionLayers().contains(i)) {
                for (int j = 0; j < 3; j++) {
                    map.rows(d + "attn2." + image[j], x + "attn2.qkv", j * hidden, hidden, 3 * hidden);
                }
                map.linear(d + "attn2.to_out.0", x + "attn2.proj");
                if (config.qkNorm()) {
                    map.whole(d + "attn2.norm_q.weight", x + "attn2.ln_q.weight");
                    map.whole(d + "attn2.norm_k.weight", x + "attn2.ln_k.weight");
                }
            }
        }
        map.swapped("norm_out.linear", "final_layer.adaLN_modulation.1");
        map.linear("proj_out", "final_layer.linear");
        return parts;
    }
}
