package dev.tessera.models.sd;

import dev.tessera.models.core.ModelLoadException;
import java.util.List;

/**
 * The diffusers UNet2DConditionModel configuration this implementation supports (SD1.x and SD2.x-style UNets),
 * with per-level lists already resolved: {@code numAttentionHeads.get(i)} is the number of heads at level i
 * (diffusers' {@code attention_head_dim} is the head count for SD1.x configs; the loader resolves that quirk).
 *
 * @param crossAttention        per encoder level (outermost first): CrossAttnDownBlock2D (true) or DownBlock2D;
 *                              the decoder mirrors it
 * @param numAttentionHeads     heads per level
 * @param transformerLayers     BasicTransformerBlocks per Transformer2DModel, per level
 * @param midBlockCrossAttention whether a UNetMidBlock2DCrossAttn sits in the middle (SD1.x/2.x: true)
 */
public record UNet2DConditionConfig(
        int inChannels,
        int outChannels,
        List<Integer> blockOutChannels,
        List<Boolean> crossAttention,
        int layersPerBlock,
        List<Integer> numAttentionHeads,
        List<Integer> transformerLayers,
        int crossAttentionDim,
        int normNumGroups,
        float normEps,
        boolean flipSinToCos,
        int freqShift,
        boolean useLinearProjection,
        int downsamplePadding,
        float midBlockScaleFactor,
        boolean midBlockCrossAttention) {

    public UNet2DConditionConfig {
        blockOutChannels = List.copyOf(blockOutChannels);
        crossAttention = List.copyOf(crossAttention);
        numAttentionHeads = List.copyOf(numAttentionHeads);
        transformerLayers = List.copyOf(transformerLayers);
        int levels = blockOutChannels.size();
        require(levels > 0, "block_out_channels must not be empty");
        require(crossAttention.size() == levels, "down_block_types has " + crossAttention.size()
                + " entries, block_out_channels " + levels);
        require(numAttentionHeads.size() == levels, "attention heads list has " + numAttentionHeads.size()
                + " entries, expected one per level (" + levels + ")");
        require(transformerLayers.size() == levels, "transformer_layers_per_block has " + transformerLayers.size()
                + " entries, expected " + levels);
        require(layersPerBlock > 0, "layers_per_block must be positive, got " + layersPerBlock);
        for (int i = 0; i < levels; i++) {
            int channels = blockOutChannels.get(i);
            require(channels % normNumGroups == 0, "block_out_channels[" + i + "] = " + channels
                    + " is not divisible by norm_num_groups = " + normNumGroups);
            require(channels % numAttentionHeads.get(i) == 0, "block_out_channels[" + i + "] = " + channels
                    + " is not divisible by its " + numAttentionHeads.get(i) + " attention heads");
        }
    }

    /** Number of resolution levels. */
    public int levels() {
        return blockOutChannels.size();
    }

    /** Width of the time embedding: 4 x the first level's channels. */
    public int timeEmbedDim() {
        return blockOutChannels.get(0) * 4;
    }

    /** The SD1.x UNet (as in runwayml/stable-diffusion-v1-5), for single-file checkpoints without a config. */
    public static UNet2DConditionConfig sd15() {
        return new UNet2DConditionConfig(4, 4, List.of(320, 640, 1280, 1280), List.of(true, true, true, false), 2,
                List.of(8, 8, 8, 8), List.of(1, 1, 1, 1), 768, 32, 1e-5f, true, 0, false, 1, 1f, true);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new ModelLoadException("UNet configuration: " + message);
        }
    }
}
