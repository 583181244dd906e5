package dev.tessera.models.sd.loading;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.ComputeTypes;
import dev.tessera.models.core.ModelLoadException;
import dev.tessera.models.sd.AutoencoderKLConfig;
import dev.tessera.models.sd.CLIPTextConfig;
import dev.tessera.models.sd.UNet2DConditionConfig;
import dev.tessera.tensor.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes an SD1.x model as an original single-file checkpoint (the layout {@link StableDiffusionCheckpoint} reads
 * and that downloaded {@code .safetensors} checkpoints have): diffusers-named parameters converted to the original
 * names with the same key maps the loader reads by, VAE attention kernels stored as 1x1 convolutions, and an
 * architecture file {@code name.arch.json} for what the shapes do not say (heads, norm groups, scaling factor).
 */
public final class SingleFileCheckpointWriter {

    private SingleFileCheckpointWriter() {}

    /**
     * Writes the three components' parameters (diffusers / transformers names) to {@code file} in {@code dtype}
     * and the architecture file beside it.
     */
    public static void write(Path file, UNet2DConditionConfig unetConfig, Map<String, NDArray> unet,
            AutoencoderKLConfig vaeConfig, Map<String, NDArray> vae, CLIPTextConfig textConfig,
            Map<String, NDArray> text, DataType dtype, Map<String, String> metadata) {
        ComputeTypes.require(dtype, "checkpoint");
        Map<String, NDArray> stored = new LinkedHashMap<>();
        unet.forEach((name, value) -> stored.put(SingleFileKeys.unet(name, unetConfig), value));
        vae.forEach((name, value) -> {
            NDArray v = value;
            if (SingleFileKeys.vaeStoredAsConv(name) && value.getShape().dimension() == 2) {
                v = value.reshape(new Shape(value.getShape().get(0), value.getShape().get(1), 1, 1));
            }
            stored.put(SingleFileKeys.vae(name, vaeConfig), v);
        });
        text.forEach((name, value) -> stored.put(SingleFileKeys.textEncoder(name, true), value));
        Map<String, NDArray> typed = new LinkedHashMap<>();
        stored.forEach((name, value) -> typed.put(name, value.getDataType().isFloating()
                && value.getDataType() != dtype ? value.toType(dtype, false) : value));
        SafetensorsWriter.write(file, typed, metadata);
        try {
            Files.writeString(archFile(file), archJson(unetConfig, vaeConfig, textConfig));
        } catch (IOException e) {
            throw new ModelLoadException(archFile(file) + ": cannot write: " + e.getMessage(), e);
        }
    }

    /** {@code name.arch.json} beside {@code name.safetensors}. */
    public static Path archFile(Path checkpoint) {
        String name = checkpoint.getFileName().toString();
        String stem = name.endsWith(".safetensors") ? name.substring(0, name.length() - ".safetensors".length()) : name;
        return checkpoint.resolveSibling(stem + StableDiffusionCheckpoint.ARCH_SUFFIX);
    }

    /** The architecture file's text (LDM yaml key names, as {@link SingleFileTopology} reads them). */
    public static String archJson(UNet2DConditionConfig unet, AutoencoderKLConfig vae, CLIPTextConfig text) {
        int base = unet.blockOutChannels().get(0);
        List<Integer> mult = unet.blockOutChannels().stream().map(c -> {
            if (c % base != 0) {
                throw new ModelLoadException("UNet block_out_channels " + unet.blockOutChannels()
                        + " are not multiples of the first: the LDM layout cannot express them");
            }
            return c / base;
        }).toList();
        Set<Integer> heads = Set.copyOf(unet.numAttentionHeads());
        if (heads.size() != 1 || Set.copyOf(unet.transformerLayers()).size() != 1) {
            throw new ModelLoadException("UNet: per-level heads " + unet.numAttentionHeads() + " or depths "
                    + unet.transformerLayers() + " differ; the single-file architecture file takes one value");
        }
        List<Integer> attention = new java.util.ArrayList<>();
        for (int i = 0; i < unet.levels(); i++) {
            if (unet.crossAttention().get(i)) {
                attention.add(i);
            }
        }
        int vaeBase = vae.blockOutChannels().get(0);
        List<Integer> vaeMult = vae.blockOutChannels().stream().map(c -> c / vaeBase).toList();
        return "{\n"
                + "  \"unet\": {\"model_channels\": " + base + ", \"channel_mult\": " + mult + ", \"num_res_blocks\": "
                + unet.layersPerBlock() + ", \"attention_levels\": " + attention + ",\n"
                + "           \"num_heads\": " + unet.numAttentionHeads().get(0) + ", \"context_dim\": "
                + unet.crossAttentionDim() + ", \"transformer_depth\": " + unet.transformerLayers().get(0)
                + ", \"use_linear_in_transformer\": " + unet.useLinearProjection() + ",\n"
                + "           \"norm_num_groups\": " + unet.normNumGroups() + ", \"in_channels\": "
                + unet.inChannels() + ", \"out_channels\": " + unet.outChannels() + "},\n"
                + "  \"vae\": {\"ch\": " + vaeBase + ", \"ch_mult\": " + vaeMult + ", \"num_res_blocks\": "
                + vae.layersPerBlock() + ", \"z_channels\": " + vae.latentChannels() + ", \"norm_num_groups\": "
                + vae.normNumGroups() + ", \"scaling_factor\": " + vae.scalingFactor() + "},\n"
                + "  \"text_encoder\": {\"hidden_size\": " + text.hiddenSize() + ", \"num_hidden_layers\": "
                + text.numHiddenLayers() + ", \"num_attention_heads\": " + text.numAttentionHeads()
                + ", \"intermediate_size\": " + text.intermediateSize() + ",\n"
                + "                   \"hidden_act\": \"" + text.hiddenAct() + "\", \"vocab_size\": "
                + text.vocabSize() + ", \"max_position_embeddings\": " + text.maxPositionEmbeddings()
                + ", \"eos_token_id\": " + text.eosTokenId() + "}\n"
                + "}\n";
    }
}
