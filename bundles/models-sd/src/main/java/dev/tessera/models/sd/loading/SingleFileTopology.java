package dev.tessera.models.sd.loading;

import dev.tessera.models.core.ModelLoadException;
import dev.tessera.models.core.loading.JsonConfig;
import dev.tessera.models.sd.AutoencoderKLConfig;
import dev.tessera.models.sd.CLIPTextConfig;
import dev.tessera.models.sd.UNet2DConditionConfig;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The configuration of each component of an original SD1.x checkpoint: what the tensor shapes determine
 * (channels, levels, blocks, attention levels, context width), standard SD1.x values for what they do not (8
 * attention heads, 32 norm groups, CLIP heads of 64 channels), and an optional architecture file's section
 * overriding either (keys as in the LDM yaml: model_channels, channel_mult, num_heads, ...).
 */
final class SingleFileTopology {

    static final int SD1_HEADS = 8;
    static final int SD1_GROUPS = 32;
    static final int CLIP_HEAD_DIM = 64;
    /** SDXL's UNet uses heads of 64 channels (num_head_channels) and time ids projected to 256 each. */
    static final int SDXL_HEAD_CHANNELS = 64;
    static final int SDXL_TIME_EMBED_DIM = 256;
    static final String ADDED_CONDITIONING = "label_emb.0.0.weight";

    private SingleFileTopology() {
    }

    static UNet2DConditionConfig unet(SafetensorsFile file, JsonConfig arch) {
        String p = SingleFileKeys.UNET_PREFIX;
        long[] convIn = shape(file, p + "input_blocks.0.0.weight", "UNet conv_in");
        int inputBlocks = maxIndex(file, Pattern.compile(Pattern.quote(p) + "input_blocks\\.(\\d+)\\..*")) + 1;
        int downsamplers = count(file, Pattern.compile(Pattern.quote(p) + "input_blocks\\.(\\d+)\\.0\\.op\\.weight"));
        int levels = downsamplers + 1;
        int resBlocks = (inputBlocks - 1 - downsamplers) / levels;
        List<Integer> channels = new ArrayList<>();
        List<Boolean> cross = new ArrayList<>();
        List<Integer> depth = new ArrayList<>();
        boolean linear = false;
        long context = 768;
        for (int level = 0; level < levels; level++) {
            String block = p + "input_blocks." + (1 + level * (resBlocks + 1)) + ".";
            channels.add((int) shape(file, block + "0.out_layers.3.weight", "UNet level " + level + " resnet")[0]);
            boolean attention = file.contains(block + "1.proj_in.weight");
            cross.add(attention);
            depth.add(attention ? count(file, Pattern.compile(Pattern.quote(block)
                    + "1\\.transformer_blocks\\.(\\d+)\\.norm1\\.weight")) : 1);
            if (attention) {
                linear = file.info(block + "1.proj_in.weight").shape().length == 2;
                context = file.info(block + "1.transformer_blocks.0.attn2.to_k.weight").shape()[1];
            }
        }
        int inChannels = (int) convIn[1];
        int outChannels = (int) shape(file, p + "out.2.weight", "UNet conv_out")[0];
        int groups = SD1_GROUPS;
        // SDXL's added conditioning (label_emb): the input width is pooled text + six time ids' projections.
        boolean added = file.contains(p + ADDED_CONDITIONING);
        int addedInput = added ? (int) shape(file, p + ADDED_CONDITIONING, "UNet label_emb")[1] : 0;
        int addedTime = added ? SDXL_TIME_EMBED_DIM : 0;
        List<Integer> heads = added ? channels.stream().map(c -> Math.max(1, c / SDXL_HEAD_CHANNELS)).toList()
                : Collections.nCopies(levels, SD1_HEADS);
        if (arch != null) {
            if (added) {
                addedTime = arch.integer("addition_time_embed_dim", addedTime);
                addedInput = arch.integer("adm_in_channels", addedInput);
            }
            if (arch.has("model_channels") || arch.has("channel_mult")) {
                int base = arch.integer("model_channels", channels.get(0));
                List<Integer> mult = arch.integers("channel_mult");
                channels = new ArrayList<>();
                for (int m : mult) {
                    channels.add(base * m);
                }
                levels = channels.size();
            }
            resBlocks = arch.integer("num_res_blocks", resBlocks);
            if (arch.has("attention_levels")) {
                List<Integer> attentionLevels = arch.integers("attention_levels");
                cross = new ArrayList<>();
                for (int level = 0; level < levels; level++) {
                    cross.add(attentionLevels.contains(level));
                }
            }
            if (arch.has("num_heads") && arch.integer("num_heads") > 0) {
                heads = Collections.nCopies(levels, arch.integer("num_heads"));
            } else if (arch.has("num_head_channels") && arch.integer("num_head_channels") > 0) {
                int headChannels = arch.integer("num_head_channels");
                heads = channels.stream().map(c -> Math.max(1, c / headChannels)).toList();
            }
            if (arch.has("transformer_depth")) {
                depth = arch.integers("transformer_depth", levels);
            }
            context = arch.integer("context_dim", (int) context);
            linear = arch.bool("use_linear_in_transformer", linear);
            groups = arch.integer("norm_num_groups", groups);
            inChannels = arch.integer("in_channels", inChannels);
            outChannels = arch.integer("out_channels", outChannels);
        }
        return new UNet2DConditionConfig(inChannels, outChannels, channels, cross, resBlocks, heads, depth,
                (int) context, groups, 1e-5f, true, 0, linear, 1, 1f, true, addedTime, addedInput);
    }

    static AutoencoderKLConfig vae(SafetensorsFile file, JsonConfig arch) {
        return vae(file, arch, SingleFileKeys.VAE_PREFIX);
    }

    /** The VAE of {@code file} whose original keys start with {@code p} ("" in a standalone VAE file). */
    static AutoencoderKLConfig vae(SafetensorsFile file, JsonConfig arch, String p) {
        long[] convIn = shape(file, p + "encoder.conv_in.weight", "VAE encoder conv_in");
        int levels = maxIndex(file, Pattern.compile(Pattern.quote(p) + "encoder\\.down\\.(\\d+)\\..*")) + 1;
        int resBlocks = count(file, Pattern.compile(Pattern.quote(p) + "encoder\\.down\\.0\\.block\\.(\\d+)\\.conv1\\.weight"));
        List<Integer> channels = new ArrayList<>();
        for (int level = 0; level < levels; level++) {
            channels.add((int) shape(file, p + "encoder.down." + level + ".block.0.conv1.weight",
                    "VAE encoder level " + level)[0]);
        }
        int latent = (int) shape(file, p + "decoder.conv_in.weight", "VAE decoder conv_in")[1];
        int inChannels = (int) convIn[1];
        int outChannels = (int) shape(file, p + "decoder.conv_out.weight", "VAE decoder conv_out")[0];
        int groups = SD1_GROUPS;
        boolean quantConv = file.contains(p + "quant_conv.weight");
        // A 16-channel VAE without quant convs is FLUX's ae.safetensors (SD3's needs an architecture file).
        boolean flux = latent == AutoencoderKLConfig.flux().latentChannels() && !quantConv;
        float scaling = flux ? AutoencoderKLConfig.flux().scalingFactor() : 0.18215f;
        float shift = flux ? AutoencoderKLConfig.flux().shiftFactor() : 0f;
        if (arch != null) {
            if (arch.has("ch") || arch.has("ch_mult")) {
                int base = arch.integer("ch", channels.get(0));
                channels = new ArrayList<>();
                for (int m : arch.integers("ch_mult")) {
                    channels.add(base * m);
                }
            }
            resBlocks = arch.integer("num_res_blocks", resBlocks);
            latent = arch.integer("z_channels", latent);
            groups = arch.integer("norm_num_groups", groups);
            scaling = arch.number("scaling_factor", scaling);
            shift = arch.number("shift_factor", shift);
            inChannels = arch.integer("in_channels", inChannels);
            outChannels = arch.integer("out_ch", outChannels);
        }
        return new AutoencoderKLConfig(inChannels, outChannels, latent, channels, resBlocks, groups, scaling,
                quantConv, file.contains(p + "post_quant_conv.weight"),
                file.contains(p + "encoder.mid.attn_1.q.weight"), shift);
    }

    /** Whether the text encoder's keys carry transformers 4's "text_model." level. */
    static boolean textModelLevel(SafetensorsFile file) {
        return textModelLevel(file, SingleFileKeys.TEXT_PREFIX);
    }

    static boolean textModelLevel(SafetensorsFile file, String prefix) {
        return file.contains(prefix + "text_model.embeddings.token_embedding.weight");
    }

    static CLIPTextConfig textEncoder(SafetensorsFile file, JsonConfig arch) {
        return textEncoder(file, arch, SingleFileKeys.TEXT_PREFIX);
    }

    /** A transformers-named CLIP text encoder stored under {@code prefix}. */
    static CLIPTextConfig textEncoder(SafetensorsFile file, JsonConfig arch, String prefix) {
        boolean level = textModelLevel(file, prefix);
        long[] tokens = shape(file, SingleFileKeys.textEncoder("embeddings.token_embedding.weight", level, prefix),
                "text encoder token embedding");
        long[] positions = shape(file, SingleFileKeys.textEncoder("embeddings.position_embedding.weight", level,
                prefix), "text encoder position embedding");
        String layerPrefix = SingleFileKeys.textEncoder("encoder.layers.", level, prefix);
        int layers = count(file, Pattern.compile(Pattern.quote(layerPrefix) + "(\\d+)\\.mlp\\.fc1\\.weight"));
        long[] fc1 = shape(file, layerPrefix + "0.mlp.fc1.weight", "text encoder layer 0");
        int hidden = (int) tokens[1];
        int heads = hidden % CLIP_HEAD_DIM == 0 ? hidden / CLIP_HEAD_DIM : 1;
        CLIPTextConfig fromShapes = new CLIPTextConfig((int) tokens[0], hidden, (int) fc1[0], layers, heads,
                (int) positions[0], "quick_gelu", 1e-5f, CLIPTextConfig.LEGACY_EOS_TOKEN_ID);
        return overridden(fromShapes, arch);
    }

    /**
     * OpenCLIP's text tower with its projection stored under {@code prefix} (SDXL's second encoder): gelu, heads of
     * 64 channels, pooled at the highest id (OpenCLIP's argmax) unless the architecture file says otherwise.
     */
    static CLIPTextConfig openClipTextEncoder(SafetensorsFile file, JsonConfig arch, String prefix) {
        long[] tokens = shape(file, prefix + "token_embedding.weight", "OpenCLIP token embedding");
        long[] positions = shape(file, prefix + "positional_embedding", "OpenCLIP positional embedding");
        long[] projection = shape(file, prefix + "text_projection", "OpenCLIP text_projection");
        String layerPrefix = prefix + "transformer.resblocks.";
        int layers = count(file, Pattern.compile(Pattern.quote(layerPrefix) + "(\\d+)\\.mlp\\.c_fc\\.weight"));
        long[] fc1 = shape(file, layerPrefix + "0.mlp.c_fc.weight", "OpenCLIP layer 0");
        int hidden = (int) tokens[1];
        int heads = hidden % CLIP_HEAD_DIM == 0 ? hidden / CLIP_HEAD_DIM : 1;
        CLIPTextConfig fromShapes = new CLIPTextConfig((int) tokens[0], hidden, (int) fc1[0], layers, heads,
                (int) positions[0], "gelu", 1e-5f, CLIPTextConfig.LEGACY_EOS_TOKEN_ID,
                projection.length == 2 ? (int) projection[1] : 0);
        return overridden(fromShapes, arch);
    }

    private static CLIPTextConfig overridden(CLIPTextConfig fromShapes, JsonConfig arch) {
        if (arch == null) {
            return fromShapes;
        }
        return new CLIPTextConfig(
                arch.integer("vocab_size", fromShapes.vocabSize()),
                arch.integer("hidden_size", fromShapes.hiddenSize()),
                arch.integer("intermediate_size", fromShapes.intermediateSize()),
                arch.integer("num_hidden_layers", fromShapes.numHiddenLayers()),
                arch.integer("num_attention_heads", fromShapes.numAttentionHeads()),
                arch.integer("max_position_embeddings", fromShapes.maxPositionEmbeddings()),
                arch.string("hidden_act", fromShapes.hiddenAct()),
                arch.number("layer_norm_eps", fromShapes.layerNormEps()),
                arch.integer("eos_token_id", fromShapes.eosTokenId()),
                arch.integer("projection_dim", fromShapes.projectionDim()));
    }

    private static long[] shape(SafetensorsFile file, String name, String what) {
        if (!file.contains(name)) {
            throw new ModelLoadException(file.path() + ": no " + what + " tensor '" + name
                    + "': not an SD1.x single-file checkpoint with this component");
        }
        return file.info(name).shape();
    }

    private static int maxIndex(SafetensorsFile file, Pattern pattern) {
        int max = -1;
        for (String name : file.names()) {
            Matcher m = pattern.matcher(name);
            if (m.matches()) {
                max = Math.max(max, Integer.parseInt(m.group(1)));
            }
        }
        return max;
    }

    private static int count(SafetensorsFile file, Pattern pattern) {
        int n = 0;
        for (String name : file.names()) {
            if (pattern.matcher(name).matches()) {
                n++;
            }
        }
        return n;
    }
}
