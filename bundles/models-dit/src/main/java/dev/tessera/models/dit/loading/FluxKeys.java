package dev.tessera.models.dit.loading;

import dev.tessera.models.core.loading.StoredPart;
import dev.tessera.models.dit.FluxTransformerConfig;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * diffusers' FLUX transformer names to the BFL layout's, as diffusers' single-file conversion does it in reverse:
 * fused {@code qkv} (double blocks) and {@code linear1} (single blocks: q, k, v, then the MLP input) are cut by
 * rows, and {@code final_layer.adaLN_modulation.1} (shift, scale) gives {@code norm_out.linear} (scale, shift).
 */
final class FluxKeys {

    private FluxKeys() {
    }

    static Map<String, StoredPart> bfl(FluxTransformerConfig config, SafetensorsFile file, String prefix) {
        Map<String, StoredPart> parts = new LinkedHashMap<>();
        StoredNames map = new StoredNames(parts, file, prefix);
        long hidden = config.hiddenSize();
        long mlp = config.mlpHiddenSize();
        map.linear("x_embedder", "img_in");
        map.linear("context_embedder", "txt_in");
        map.linear("time_text_embed.timestep_embedder.linear_1", "time_in.in_layer");
        map.linear("time_text_embed.timestep_embedder.linear_2", "time_in.out_layer");
        if (config.guidanceEmbeds()) {
            map.linear("time_text_embed.guidance_embedder.linear_1", "guidance_in.in_layer");
            map.linear("time_text_embed.guidance_embedder.linear_2", "guidance_in.out_layer");
        }
        map.linear("time_text_embed.text_embedder.linear_1", "vector_in.in_layer");
        map.linear("time_text_embed.text_embedder.linear_2", "vector_in.out_layer");
        for (int i = 0; i < config.numLayers(); i++) {
            String d = "transformer_blocks." + i + ".";
            String b = "double_blocks." + i + ".";
            map.linear(d + "norm1.linear", b + "img_mod.lin");
            map.linear(d + "norm1_context.linear", b + "txt_mod.lin");
            String[] image = {"attn.to_q", "attn.to_k", "attn.to_v"};
            String[] text = {"attn.add_q_proj", "attn.add_k_proj", "attn.add_v_proj"};
            for (int j = 0; j < 3; j++) {
                map.rows(d + image[j], b + "img_attn.qkv", j * hidden, hidden, 3 * hidden);
                map.rows(d + text[j], b + "txt_attn.qkv", j * hidden, hidden, 3 * hidden);
            }
            map.whole(d + "attn.norm_q.weight", b + "img_attn.norm.query_norm.scale");
            map.whole(d + "attn.norm_k.weight", b + "img_attn.norm.key_norm.scale");
            map.whole(d + "attn.norm_added_q.weight", b + "txt_attn.norm.query_norm.scale");
            map.whole(d + "attn.norm_added_k.weight", b + "txt_attn.norm.key_norm.scale");
            map.linear(d + "attn.to_out.0", b + "img_attn.proj");
            map.linear(d + "attn.to_add_out", b + "txt_attn.proj");
            map.linear(d + "ff.net.0.proj", b + "img_mlp.0");
            map.linear(d + "ff.net.2", b + "img_mlp.2");
            map.linear(d + "ff_context.net.0.proj", b + "txt_mlp.0");
            map.linear(d + "ff_context.net.2", b + "txt_mlp.2");
        }
        for (int i = 0; i < config.numSingleLayers(); i++) {
            String s = "single_transformer_blocks." + i + ".";
            String b = "single_blocks." + i + ".";
            map.linear(s + "norm.linear", b + "modulation.lin");
            long fused = 3 * hidden + mlp;
            map.rows(s + "attn.to_q", b + "linear1", 0, hidden, fused);
            map.rows(s + "attn.to_k", b + "linear1", hidden, hidden, fused);
            map.rows(s + "attn.to_v", b + "linear1", 2 * hidden, hidden, fused);
            map.rows(s + "proj_mlp", b + "linear1", 3 * hidden, mlp, fused);
            map.whole(s + "attn.norm_q.weight", b + "norm.query_norm.scale");
            map.whole(s + "attn.norm_k.weight", b + "norm.key_norm.scale");
            map.linear(s + "proj_out", b + "linear2");
        }
        map.swapped("norm_out.linear", "final_layer.adaLN_modulation.1");
        map.linear("proj_out", "final_layer.linear");
        return parts;
    }
}
