package dev.tessera.models.sd;

import java.util.List;

/** The diffusers AutoencoderKL configuration (the SD1.x/2.x VAE family). */
public record AutoencoderKLConfig(
        int inChannels,
        int outChannels,
        int latentChannels,
        List<Integer> blockOutChannels,
        int layersPerBlock,
        int normNumGroups,
        float scalingFactor,
        boolean useQuantConv,
        boolean usePostQuantConv,
        boolean midBlockAddAttention) {

    public AutoencoderKLConfig {
        blockOutChannels = List.copyOf(blockOutChannels);
        if (blockOutChannels.isEmpty()) {
            throw new ModelLoadException("VAE configuration: block_out_channels must not be empty");
        }
        for (int i = 0; i < blockOutChannels.size(); i++) {
            if (blockOutChannels.get(i) % normNumGroups != 0) {
                throw new ModelLoadException("VAE configuration: block_out_channels[" + i + "] = "
                        + blockOutChannels.get(i) + " is not divisible by norm_num_groups = " + normNumGroups);
            }
        }
        if (layersPerBlock <= 0) {
            throw new ModelLoadException("VAE configuration: layers_per_block must be positive, got " + layersPerBlock);
        }
    }

    /** Spatial downscaling from image to latent: 2^(levels - 1). */
    public int downscale() {
        return 1 << (blockOutChannels.size() - 1);
    }

    /** The SD1.x VAE, for single-file checkpoints without a config. */
    public static AutoencoderKLConfig sd15() {
        return new AutoencoderKLConfig(3, 3, 4, List.of(128, 256, 512, 512), 2, 32, 0.18215f, true, true, true);
    }
}
