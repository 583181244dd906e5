package dev.tessera.models.sd.loading;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.model.api.LatentFormat;
import dev.tessera.models.core.ModelLoadException;
import dev.tessera.models.core.loading.JsonConfig;
import dev.tessera.models.sd.AutoencoderKL;
import dev.tessera.models.sd.AutoencoderKLConfig;
import dev.tessera.models.sd.AutoencoderVae;
import java.nio.file.Path;

/**
 * A standalone VAE file (ComfyUI's {@code models/vae}): an SD1.x or SDXL VAE, or FLUX's autoencoder ({@code ae.safetensors}:
 * no quant convolutions, a shift factor); shared by the VAE handles over it.
 */
public final class VaeFile implements AutoencoderVae.Source, AutoCloseable {

    private final String name;
    private final NDManager manager;
    private final StableDiffusionCheckpoint file;
    private final LatentFormat format;
    private boolean closed;

    private VaeFile(String name, NDManager manager, StableDiffusionCheckpoint file, LatentFormat format) {
        this.name = name;
        this.manager = manager;
        this.file = file;
        this.format = format;
    }

    /**
     * Opens {@code path}, with {@code arch} (nullable) as its architecture file.
     *
     * @throws ModelLoadException naming the file when it is not an SD1.x, FLUX or SD3 VAE
     */
    public static VaeFile open(Path path, Path arch, Device device, DataType dtype, NDManager manager) {
        return open(path, arch, null, device, dtype, manager);
    }

    /**
     * As {@link #open(Path, Path, Device, DataType, NDManager)}; {@code family} (nullable) is the latent format the
     * file's model works in, whose factors this VAE's latents take (a VAE inside a checkpoint of that family: its
     * weights alone do not tell SD3's factors from FLUX's).
     */
    public static VaeFile open(Path path, Path arch, LatentFormat family, Device device, DataType dtype,
            NDManager manager) {
        StableDiffusionCheckpoint opened = StableDiffusionCheckpoint.openVaeFile(path, arch, device, dtype, manager);
        try {
            AutoencoderKLConfig config = opened.vaeConfig();
            LatentFormat format = family == null ? format(path, config, statesScaling(arch)) : new LatentFormat(family.family(),
                    config.latentChannels(), config.downscale(), family.scalingFactor(), family.shiftFactor());
            return new VaeFile(path.getFileName().toString(), manager, opened, format);
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    /** Whether the architecture file (nullable) states the VAE's {@code scaling_factor}. */
    private static boolean statesScaling(Path arch) {
        JsonConfig vae = arch == null ? null : JsonConfig.read(arch).section("vae");
        return vae != null && vae.has("scaling_factor");
    }

    /** {@link #format(Path, AutoencoderKLConfig, boolean)} for a configuration that states its scaling factor. */
    static LatentFormat format(Path path, AutoencoderKLConfig config) {
        return format(path, config, true);
    }

    /**
     * The latent family of a VAE: SD3's when it has no quant convolutions and SD3's factors (shift 0.0609, scaling
     * 1.5305, from its diffusers config or architecture file: the weights alone look like FLUX's), FLUX's when it
     * shifts its latents otherwise (FLUX's ae has no quant convolutions and a shift factor, read from the keys or the
     * architecture file). For 4 channels at 8x (SD's topology, SD1.x's and SDXL's alike): SDXL's when the stated
     * scaling factor is 0.13025, SD1.x's with the stated factor otherwise, and when no factor is stated
     * {@link LatentFormat#SD_VAE}, which goes with SD1.x and SDXL models: as in ComfyUI, whose VAELoader cannot tell
     * {@code sdxl_vae.safetensors} from an SD1.x VAE either, the latent format then follows the MODEL.
     *
     * @param scalingStated whether {@code config}'s scaling factor was stated (by an architecture file) rather than
     *     defaulted
     */
    static LatentFormat format(Path path, AutoencoderKLConfig config, boolean scalingStated) {
        LatentFormat sd3 = LatentFormat.SD3;
        if (!config.useQuantConv() && Math.abs(config.shiftFactor() - sd3.shiftFactor()) < 1e-6
                && Math.abs(config.scalingFactor() - sd3.scalingFactor()) < 1e-6) {
            return new LatentFormat(sd3.family(), config.latentChannels(), config.downscale(),
                    config.scalingFactor(), config.shiftFactor());
        }
        if (config.shiftFactor() != 0f && !config.useQuantConv()) {
            return new LatentFormat(LatentFormat.FLUX.family(), config.latentChannels(), config.downscale(),
                    config.scalingFactor(), config.shiftFactor());
        }
        if (config.latentChannels() == LatentFormat.SD1.channels()
                && config.downscale() == LatentFormat.SD1.downscale()) {
            if (!scalingStated) {
                return LatentFormat.SD_VAE;
            }
            return Math.abs(config.scalingFactor() - LatentFormat.SDXL.scalingFactor()) < 1e-6 ? LatentFormat.SDXL
                    : LatentFormat.SD1.withScalingFactor(config.scalingFactor());
        }
        throw new ModelLoadException(path + ": a VAE with " + config.latentChannels() + " latent channels, "
                + config.downscale() + "x downscale, " + (config.useQuantConv() ? "" : "no ")
                + "quant convolutions and shift factor " + config.shiftFactor() + (config.latentChannels() == 16
                        ? " (an SD3 VAE?)" : "") + "; VAELoader loads SD1.x VAEs (4 channels, 8x), FLUX's"
                + " autoencoder (16 channels, no quant convolutions, shift factor 0.1159) and SD3's (the same"
                + " topology with shift_factor 0.0609 and scaling_factor 1.5305 stated by its config.json or"
                + " architecture file)");
    }

    @Override
    public AutoencoderKL vae() {
        return file.vae();
    }

    @Override
    public LatentFormat vaeFormat() {
        return format;
    }

    /** Idempotent: the cache's deactivation may close it before the last handle does. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        file.close();
        manager.close();
    }

    @Override
    public String toString() {
        return "VAE file " + name;
    }
}
