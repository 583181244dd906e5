package dev.tessera.models.sd.loading;

import dev.tessera.models.sd.AutoencoderKLConfig;
import dev.tessera.models.sd.UNet2DConditionConfig;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Diffusers parameter names to the names of the original (CompVis / LDM) single-file layout, computed from the
 * configuration as diffusers' single-file conversion and ComfyUI's key maps do, but in the other direction: the
 * model asks by diffusers name, the file is read by original name. The UNet's names are {@link LdmUnetNames}.
 */
final class SingleFileKeys {

    static final String UNET_PREFIX = "model.diffusion_model.";
    static final String VAE_PREFIX = "first_stage_model.";
    static final String TEXT_PREFIX = "cond_stage_model.transformer.";
    /** SDXL base: CLIP-L in transformers names, OpenCLIP bigG in OpenCLIP names. */
    static final String SDXL_TEXT_PREFIX = "conditioner.embedders.0.transformer.";
    static final String SDXL_TEXT2_PREFIX = "conditioner.embedders.1.model.";
    /** The SDXL refiner's only text encoder (OpenCLIP bigG) is its first embedder. */
    static final String SDXL_REFINER_TEXT_PREFIX = "conditioner.embedders.0.model.";

    private static final Map<String, String> VAE_ATTENTION = Map.of(
            "group_norm", "norm", "to_q", "q", "to_k", "k", "to_v", "v", "to_out.0", "proj_out");
    private static final Pattern VAE_BLOCK = Pattern.compile(
            "(encoder|decoder)\\.(down_blocks|up_blocks)\\.(\\d+)\\.(resnets|downsamplers|upsamplers)\\.(\\d+)\\.(.+)");
    private static final Pattern VAE_MID = Pattern.compile(
            "(encoder|decoder)\\.mid_block\\.(resnets|attentions)\\.(\\d+)\\.(.+)");

    private SingleFileKeys() {
    }

    /** The original name of UNet parameter {@code name} (with the {@link #UNET_PREFIX}). */
    static String unet(String name, UNet2DConditionConfig config) {
        return UNET_PREFIX + LdmUnetNames.of(name, config);
    }

    /** The original name of VAE parameter {@code name} (with the {@link #VAE_PREFIX}). */
    static String vae(String name, AutoencoderKLConfig config) {
        return vae(name, config, VAE_PREFIX);
    }

    /** The original name of VAE parameter {@code name} under {@code prefix} ("" in a standalone VAE file). */
    static String vae(String name, AutoencoderKLConfig config, String prefix) {
        return prefix + vaeUnprefixed(name, config);
    }

    /** Whether VAE parameter {@code name} is stored as a 1x1 convolution kernel. */
    static boolean vaeStoredAsConv(String name) {
        Matcher mid = VAE_MID.matcher(name);
        return mid.matches() && mid.group(2).equals("attentions") && name.endsWith(".weight")
                && !mid.group(4).startsWith("group_norm.");
    }

    private static String vaeUnprefixed(String name, AutoencoderKLConfig config) {
        Matcher block = VAE_BLOCK.matcher(name);
        if (block.matches()) {
            String part = block.group(1);
            int level = Integer.parseInt(block.group(3));
            int original = part.equals("encoder") ? level : config.blockOutChannels().size() - 1 - level;
            String where = part + (part.equals("encoder") ? ".down." : ".up.") + original;
            String rest = block.group(6);
            return switch (block.group(4)) {
                case "resnets" -> where + ".block." + block.group(5) + "." + rest.replaceFirst("^conv_shortcut\\.",
                        "nin_shortcut.");
                case "downsamplers" -> where + ".downsample." + rest;
                default -> where + ".upsample." + rest;
            };
        }
        Matcher mid = VAE_MID.matcher(name);
        if (mid.matches()) {
            String where = mid.group(1) + ".mid.";
            String rest = mid.group(4);
            if (mid.group(2).equals("resnets")) {
                return where + "block_" + (Integer.parseInt(mid.group(3)) + 1) + "." + rest;
            }
            int dot = rest.lastIndexOf('.');
            String module = rest.substring(0, dot);
            return where + "attn_1." + VAE_ATTENTION.getOrDefault(module, module) + rest.substring(dot);
        }
        return name.replaceFirst("^(encoder|decoder)\\.conv_norm_out\\.", "$1.norm_out.");
    }

    /** The original name of text-encoder parameter {@code name}; {@code textModel} if the file has "text_model.". */
    static String textEncoder(String name, boolean textModel) {
        return textEncoder(name, textModel, TEXT_PREFIX);
    }

    /** The stored name of text-encoder parameter {@code name} under {@code prefix}. */
    static String textEncoder(String name, boolean textModel, String prefix) {
        return prefix + (textModel ? "text_model." : "") + name;
    }
}
