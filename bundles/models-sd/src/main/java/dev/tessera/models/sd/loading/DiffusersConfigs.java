package dev.tessera.models.sd.loading;

import dev.tessera.models.core.loading.JsonConfig;
import dev.tessera.models.sd.AutoencoderKLConfig;
import dev.tessera.models.sd.CLIPTextConfig;
import dev.tessera.models.sd.UNet2DConditionConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** diffusers / transformers config.json files to the models' configuration records. */
public final class DiffusersConfigs {

    private static final String CROSS_DOWN = "CrossAttnDownBlock2D";
    private static final String PLAIN_DOWN = "DownBlock2D";
    private static final String CROSS_UP = "CrossAttnUpBlock2D";
    private static final String PLAIN_UP = "UpBlock2D";

    private DiffusersConfigs() {
    }

    /** A UNet2DConditionModel config.json (SD1.x/SD2.x/SDXL topologies). */
    public static UNet2DConditionConfig unet(Path configFile) {
        return unet(JsonConfig.read(configFile));
    }

    static UNet2DConditionConfig unet(JsonConfig json) {
        String type = json.string("_class_name", "UNet2DConditionModel");
        if (!type.equals("UNet2DConditionModel")) {
            throw json.error("_class_name", "'" + type + "' is not a UNet2DConditionModel");
        }
        String addition = json.has("addition_embed_type") ? json.string("addition_embed_type", null) : null;
        if (addition != null && !addition.equals("text_time")) {
            throw json.error("addition_embed_type", "'" + addition + "' is not supported (expected text_time, as in"
                    + " SDXL, or none)");
        }
        json.requireUnset("class_embed_type", null, "class embeddings");
        json.requireUnset("encoder_hid_dim_type", null, "encoder hidden-state projection");
        json.requireUnset("time_cond_proj_dim", null, "LCM-style guidance embedding");
        json.requireUnset("resnet_time_scale_shift", "default", "scale-shift time embedding norm");
        json.requireUnset("time_embedding_type", "positional", "Fourier time embedding");
        json.requireUnset("time_embedding_act_fn", null, "time embedding activation");
        json.requireUnset("timestep_post_act", null, "timestep post activation");
        json.requireUnset("act_fn", "silu", "activations other than SiLU");
        json.requireUnset("only_cross_attention", false, "cross-attention-only blocks");
        json.requireUnset("dual_cross_attention", false, "dual cross-attention");
        json.requireUnset("center_input_sample", false, "input centring");
        json.requireUnset("conv_in_kernel", 3, "conv_in kernels other than 3");
        json.requireUnset("conv_out_kernel", 3, "conv_out kernels other than 3");
        json.requireUnset("reverse_transformer_layers_per_block", null, "asymmetric transformer depth");
        json.requireUnset("attention_type", "default", "gated attention");
        json.requireUnset("cross_attention_norm", null, "cross-attention norm");
        json.requireUnset("mid_block_type", "UNetMidBlock2DCrossAttn", "mid blocks other than UNetMidBlock2DCrossAttn");
        json.requireUnset("resnet_out_scale_factor", 1.0, "resnet output scaling");
        json.requireUnset("resnet_skip_time_act", false, "resnet skip time activation");

        List<Integer> channels = json.integers("block_out_channels");
        int levels = channels.size();
        List<String> down = json.strings("down_block_types");
        List<String> up = json.strings("up_block_types");
        if (down.size() != levels || up.size() != levels) {
            throw json.error("down_block_types", down.size() + " down and " + up.size() + " up block types for "
                    + levels + " levels of block_out_channels");
        }
        List<Boolean> cross = new ArrayList<>();
        for (int i = 0; i < levels; i++) {
            String kind = down.get(i);
            if (!kind.equals(CROSS_DOWN) && !kind.equals(PLAIN_DOWN)) {
                throw json.error("down_block_types", "'" + kind + "' at " + i + " is not supported (expected "
                        + CROSS_DOWN + " or " + PLAIN_DOWN + ")");
            }
            cross.add(kind.equals(CROSS_DOWN));
        }
        for (int i = 0; i < levels; i++) {
            String expected = cross.get(levels - 1 - i) ? CROSS_UP : PLAIN_UP;
            if (!up.get(i).equals(expected)) {
                throw json.error("up_block_types", "'" + up.get(i) + "' at " + i + " does not mirror the down blocks"
                        + " (expected " + expected + ")");
            }
        }
        // diffusers' quirk: SD1.x/2.x configs name the head COUNT attention_head_dim; num_attention_heads wins if set.
        List<Integer> heads = json.has("num_attention_heads") ? json.integers("num_attention_heads", levels)
                : json.integers("attention_head_dim", levels);
        List<Integer> depth = json.has("transformer_layers_per_block")
                ? json.integers("transformer_layers_per_block", levels) : java.util.Collections.nCopies(levels, 1);
        if (json.has("layers_per_block") && json.integers("layers_per_block", 1).size() != 1) {
            throw json.error("layers_per_block", "per-level lists are not supported");
        }
        return new UNet2DConditionConfig(
                json.integer("in_channels", 4),
                json.integer("out_channels", 4),
                channels,
                cross,
                json.integer("layers_per_block", 2),
                heads,
                depth,
                json.integer("cross_attention_dim", 1280),
                json.integer("norm_num_groups", 32),
                json.number("norm_eps", 1e-5f),
                json.bool("flip_sin_to_cos", true),
                json.integer("freq_shift", 0),
                json.bool("use_linear_projection", false),
                json.integer("downsample_padding", 1),
                json.number("mid_block_scale_factor", 1f),
                true,
                addition == null ? 0 : json.integer("addition_time_embed_dim"),
                addition == null ? 0 : json.integer("projection_class_embeddings_input_dim"));
    }

    /** An AutoencoderKL config.json. */
    public static AutoencoderKLConfig vae(Path configFile) {
        JsonConfig json = JsonConfig.read(configFile);
        String type = json.string("_class_name", "AutoencoderKL");
        if (!type.equals("AutoencoderKL")) {
            throw json.error("_class_name", "'" + type + "' is not an AutoencoderKL");
        }
        json.requireUnset("act_fn", "silu", "activations other than SiLU");
        List<Integer> channels = json.integers("block_out_channels");
        for (String kind : json.strings("down_block_types")) {
            if (!kind.equals("DownEncoderBlock2D")) {
                throw json.error("down_block_types", "'" + kind + "' is not supported (expected DownEncoderBlock2D)");
            }
        }
        for (String kind : json.strings("up_block_types")) {
            if (!kind.equals("UpDecoderBlock2D")) {
                throw json.error("up_block_types", "'" + kind + "' is not supported (expected UpDecoderBlock2D)");
            }
        }
        return new AutoencoderKLConfig(
                json.integer("in_channels", 3),
                json.integer("out_channels", 3),
                json.integer("latent_channels", 4),
                channels,
                json.integer("layers_per_block", 1),
                json.integer("norm_num_groups", 32),
                json.number("scaling_factor", 0.18215f),
                json.bool("use_quant_conv", true),
                json.bool("use_post_quant_conv", true),
                json.bool("mid_block_add_attention", true),
                json.number("shift_factor", 0f));
    }

    /** A transformers CLIPTextModel or CLIPTextModelWithProjection config.json. */
    public static CLIPTextConfig textEncoder(Path configFile) {
        JsonConfig json = JsonConfig.read(configFile);
        String modelType = json.string("model_type", "clip_text_model");
        if (!modelType.equals("clip_text_model") && !modelType.equals("clip")) {
            throw json.error("model_type", "'" + modelType + "' is not a CLIP text model");
        }
        CLIPTextConfig config = textEncoder(json.has("text_config") ? json.section("text_config") : json);
        // projection_dim is in every CLIP config; only the WithProjection class has the layer.
        boolean projected = json.has("architectures")
                && json.strings("architectures").contains("CLIPTextModelWithProjection");
        return projected ? config.withProjection(json.integer("projection_dim", config.hiddenSize())) : config;
    }

    static CLIPTextConfig textEncoder(JsonConfig json) {
        return new CLIPTextConfig(
                json.integer("vocab_size", 49408),
                json.integer("hidden_size", 512),
                json.integer("intermediate_size", 2048),
                json.integer("num_hidden_layers", 12),
                json.integer("num_attention_heads", 8),
                json.integer("max_position_embeddings", 77),
                json.string("hidden_act", "quick_gelu"),
                json.number("layer_norm_eps", 1e-5f),
                json.integer("eos_token_id", CLIPTextConfig.LEGACY_EOS_TOKEN_ID));
    }
}
