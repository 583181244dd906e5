package dev.tessera.models.sd;

import dev.tessera.models.core.ModelLoadException;
import java.util.List;

/**
 * The diffusers AutoencoderKL configuration: the SD1.x/2.x VAE family and FLUX's (16 latent channels, no
 * {@code quant_conv}/{@code post_quant_conv}, a shift as well as a scale).
 *
 * @param scalingFactor diffusion latents are {@code (vae latent - shiftFactor) * scalingFactor}
 * @param shiftFactor   diffusers' {@code shift_factor}: 0 for SD1.x, 0.1159 for FLUX
 */
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
        boolean midBlockAddAttention,
        float shiftFactor) {

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
        if (!Float.isFinite(scalingFactor) || scalingFactor == 0 || !Float.isFinite(shiftFactor)) {
            throw new ModelLoadException("VAE configuration: scaling_factor " + scalingFactor
                    + " must be finite and non-zero, shift_factor " + shiftFactor + " finite");
        }
    }

    /** A configuration without a shift (the SD1.x/2.x family), as before FLUX. */
    public AutoencoderKLConfig(int inChannels, int outChannels, int latentChannels, List<Integer> blockOutChannels,
            int layersPerBlock, int normNumGroups, float scalingFactor, boolean useQuantConv, boolean usePostQuantConv,
            boolean midBlockAddAttention) {
        this(inChannels, outChannels, latentChannels, blockOutChannels, layersPerBlock, normNumGroups, scalingFactor,
                useQuantConv, usePostQuantConv, midBlockAddAttention, 0f);
    }

    /** Spatial downscaling from image to latent: 2^(levels - 1). */
    public int downscale() {
        return 1 << (blockOutChannels.size() - 1);
    }

    /** The same configuration with other latent factors (a checkpoint or architecture file that states them). */
    public AutoencoderKLConfig withFactors(float scaling, float shift) {
        return new AutoencoderKLConfig(inChannels, outChannels, latentChannels, blockOutChannels, layersPerBlock,
                normNumGroups, scaling, useQuantConv, usePostQuantConv, midBlockAddAttention, shift);
    }

    /** The SD1.x VAE, for single-file checkpoints without a config. */
    public static AutoencoderKLConfig sd15() {
        return new AutoencoderKLConfig(3, 3, 4, List.of(128, 256, 512, 512), 2, 32, 0.18215f, true, true, true);
    }

    /**
     * FLUX.1's autoencoder ({@code ae.safetensors}, diffusers' {@code vae/config.json} of FLUX.1-dev, -schnell and
     * Kontext): SD's topology with 16 latent channels, no quant convolutions, scale 0.3611 and shift 0.1159.
     */
    public static AutoencoderKLConfig flux() {
        return new AutoencoderKLConfig(3, 3, 16, List.of(128, 256, 512, 512), 2, 32, 0.3611f, false, false, true,
                0.1159f);
    }
}
