package dev.tessera.models.sd.loading;

import dev.tessera.models.sd.UNet2DConditionConfig;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The original (CompVis / LDM) name of a diffusers UNet parameter, without {@code model.diffusion_model.}, computed
 * from the configuration as diffusers' single-file conversion and ComfyUI's key maps do, in the other direction.
 * The single-file loader reads by these names; LoRA key tables address kohya LoRAs trained on single-file
 * checkpoints ({@code lora_unet_input_blocks_1_1_proj_in}) by them.
 */
public final class LdmUnetNames {

    private static final Pattern BLOCK = Pattern.compile(
            "(down_blocks|up_blocks)\\.(\\d+)\\.(resnets|attentions|downsamplers|upsamplers)\\.(\\d+)\\.(.+)");
    private static final Pattern MID = Pattern.compile("mid_block\\.(resnets|attentions)\\.(\\d+)\\.(.+)");
    private static final Map<String, String> RESNET = Map.of(
            "norm1", "in_layers.0", "conv1", "in_layers.2", "time_emb_proj", "emb_layers.1",
            "norm2", "out_layers.0", "conv2", "out_layers.3", "conv_shortcut", "skip_connection");

    private LdmUnetNames() {
    }

    /**
     * The LDM name of parameter {@code name} (a diffusers name such as {@code down_blocks.0.resnets.0.conv1.weight})
     * in a UNet with {@code layersPerBlock} resnets per encoder level and, per encoder level (outermost first),
     * whether it has cross-attention.
     */
    public static String of(String name, int layersPerBlock, List<Boolean> crossAttention) {
        int stride = layersPerBlock + 1;
        Matcher block = BLOCK.matcher(name);
        if (block.matches()) {
            int level = Integer.parseInt(block.group(2));
            int index = Integer.parseInt(block.group(4));
            String rest = block.group(5);
            return block.group(1).equals("down_blocks") ? down(block.group(3), level, index, stride, rest)
                    : up(block.group(3), level, index, stride, rest, crossAttention);
        }
        Matcher mid = MID.matcher(name);
        if (mid.matches()) {
            int index = Integer.parseInt(mid.group(2));
            return mid.group(1).equals("attentions") ? "middle_block." + (2 * index + 1) + "." + mid.group(3)
                    : "middle_block." + (2 * index) + "." + resnet(mid.group(3));
        }
        return name.replaceFirst("^time_embedding\\.linear_1\\.", "time_embed.0.")
                .replaceFirst("^add_embedding\\.linear_1\\.", "label_emb.0.0.")
                .replaceFirst("^add_embedding\\.linear_2\\.", "label_emb.0.2.")
                .replaceFirst("^time_embedding\\.linear_2\\.", "time_embed.2.")
                .replaceFirst("^conv_in\\.", "input_blocks.0.0.")
                .replaceFirst("^conv_norm_out\\.", "out.0.")
                .replaceFirst("^conv_out\\.", "out.2.");
    }

    /** {@link #of(String, int, List)} for a UNet of {@code config}. */
    public static String of(String name, UNet2DConditionConfig config) {
        return of(name, config.layersPerBlock(), config.crossAttention());
    }

    private static String down(String kind, int level, int index, int stride, String rest) {
        return switch (kind) {
            case "resnets" -> "input_blocks." + (1 + level * stride + index) + ".0." + resnet(rest);
            case "attentions" -> "input_blocks." + (1 + level * stride + index) + ".1." + rest;
            default -> "input_blocks." + ((level + 1) * stride) + ".0." + rest.replaceFirst("^conv\\.", "op.");
        };
    }

    private static String up(String kind, int level, int index, int stride, String rest,
            List<Boolean> crossAttention) {
        // The decoder mirrors the encoder: up level i has attention iff encoder level (levels - 1 - i) has.
        boolean attention = crossAttention.get(crossAttention.size() - 1 - level);
        return switch (kind) {
            case "resnets" -> "output_blocks." + (level * stride + index) + ".0." + resnet(rest);
            case "attentions" -> "output_blocks." + (level * stride + index) + ".1." + rest;
            default -> "output_blocks." + (level * stride + stride - 1) + "." + (attention ? 2 : 1) + "." + rest;
        };
    }

    private static String resnet(String rest) {
        int dot = rest.lastIndexOf('.');
        String module = rest.substring(0, dot);
        return RESNET.getOrDefault(module, module) + rest.substring(dot);
    }
}
