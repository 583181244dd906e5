package dev.tessera.models.sd;

import dev.tessera.models.core.ModelLoadException;
import java.util.List;

/**
 * The diffusers UNet2DConditionModel configuration this implementation supports (SD1.x, SD2.x and SDXL-style UNets),
 * with per-level lists already resolved: {@code numAttentionHeads.get(i)} is the number of heads at level i
 * (diffusers' {@code attention_head_dim} is the head count for SD1.x configs; the loader resolves that quirk).
 *
 * @param crossAttention        per encoder level (outermost first): CrossAttnDownBlock2D (true) or DownBlock2D;
 *                              the decoder mirrors it
 * @param numAttentionHeads     heads per level
 * @param transformerLayers     BasicTransformerBlocks per Transformer2DModel, per level
 * @param midBlockCrossAttention whether a UNetMidBlock2DCrossAttn sits in the middle (SD1.x/2.x: true)
 * @param additionTimeEmbedDim  SDXL's text-time added conditioning (diffusers' addition_embed_type "text_time"):
 *                              the sinusoidal width of each time id, or 0 for a UNet without added conditioning
 * @param additionInputDim      the added conditioning vector's width (projection_class_embeddings_input_dim,
 *                              LDM's adm_in_channels): pooled text embedding plus the time ids' embeddings
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
        boolean midBlockCrossAttention,
        int additionTimeEmbedDim,
        int additionInputDim) {

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
        require(additionTimeEmbedDim >= 0 && additionTimeEmbedDim % 2 == 0, "addition_time_embed_dim must be even"
                + " and not negative, got " + additionTimeEmbedDim);
        require((additionTimeEmbedDim == 0) == (additionInputDim == 0), "addition_time_embed_dim "
                + additionTimeEmbedDim + " and projection_class_embeddings_input_dim " + additionInputDim
                + " must both be set (text_time added conditioning) or both be 0");
        require(layersPerBlock > 0, "layers_per_block must be positive, got " + layersPerBlock);
        for (int i = 0; i < levels; i++) {
            int channels = blockOutChannels.get(i);
            require(channels % normNumGroups == 0, "block_out_channels[" + i + "] = " + channels
                    + " is not divisible by norm_num_groups = " + normNumGroups);
            require(channels % numAttentionHeads.get(i) == 0, "block_out_channels[" + i + "] = " + channels
                    + " is not divisible by its " + numAttentionHeads.get(i) + " attention heads");
        }
    }

    /** A UNet without added conditioning (SD1.x, SD2.x). */
    public UNet2DConditionConfig(int inChannels, int outChannels, List<Integer> blockOutChannels,
            List<Boolean> crossAttention, int layersPerBlock, List<Integer> numAttentionHeads,
            List<Integer> transformerLayers, int crossAttentionDim, int normNumGroups, float normEps,
            boolean flipSinToCos, int freqShift, boolean useLinearProjection, int downsamplePadding,
            float midBlockScaleFactor, boolean midBlockCrossAttention) {
        this(inChannels, outChannels, blockOutChannels, crossAttention, layersPerBlock, numAttentionHeads,
                transformerLayers, crossAttentionDim, normNumGroups, normEps, flipSinToCos, freqShift,
                useLinearProjection, downsamplePadding, midBlockScaleFactor, midBlockCrossAttention, 0, 0);
    }

    /** Whether the UNet takes SDXL's added conditioning vector (pooled text and time ids). */
    public boolean addedConditioning() {
        return additionTimeEmbedDim > 0;
    }

    /** Width of the pooled text embedding in the added conditioning: the input width less six time ids'. */
    public int addedTextEmbedDim() {
        return additionInputDim - 6 * additionTimeEmbedDim;
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

    /**
     * The SDXL base UNet (stabilityai/stable-diffusion-xl-base-1.0): 3 levels, transformer depths 0/2/10 (10 in the
     * middle), heads of 64 channels, linear projections, text-time added conditioning of 1280 + 6 x 256.
     */
    public static UNet2DConditionConfig sdxl() {
        return new UNet2DConditionConfig(4, 4, List.of(320, 640, 1280), List.of(false, true, true), 2,
                List.of(5, 10, 20), List.of(1, 2, 10), 2048, 32, 1e-5f, true, 0, true, 1, 1f, true, 256, 2816);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new ModelLoadException("UNet configuration: " + message);
        }
    }
}
