package dev.tessera.sd.nodes.internal;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.model.api.LatentFormat;
import dev.tessera.models.sd.AutoencoderKL;
import dev.tessera.models.sd.AutoencoderKLConfig;
import dev.tessera.models.sd.ModelLoadException;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import java.nio.file.Path;

/** A standalone SD1.x VAE file (ComfyUI's {@code models/vae}), shared by the VAE handles over it. */
final class SdVaeFile implements VaeSource, AutoCloseable {

    private final String name;
    private final NDManager manager;
    private final StableDiffusionCheckpoint file;
    private final LatentFormat format;
    private boolean closed;

    private SdVaeFile(String name, NDManager manager, StableDiffusionCheckpoint file, LatentFormat format) {
        this.name = name;
        this.manager = manager;
        this.file = file;
        this.format = format;
    }

    /**
     * Opens {@code path}, with {@code arch} (nullable) as its architecture file.
     *
     * @throws ModelLoadException naming the file when it is not an SD1.x VAE (e.g. a 16-channel SD3 or FLUX VAE)
     */
    static SdVaeFile open(Path path, Path arch, Device device, DataType dtype, NDManager manager) {
        StableDiffusionCheckpoint opened = StableDiffusionCheckpoint.openVaeFile(path, arch, device, dtype, manager);
        try {
            AutoencoderKLConfig config = opened.vaeConfig();
            if (config.latentChannels() != LatentFormat.SD1.channels() || config.downscale() != LatentFormat.SD1.downscale()) {
                throw new ModelLoadException(path + ": a VAE with " + config.latentChannels() + " latent channels and "
                        + config.downscale() + "x downscale (" + (config.latentChannels() == 16 ? "an SD3 or FLUX VAE"
                        : "not an SD1.x VAE") + "); VAELoader loads SD1.x VAEs (4 channels, 8x)");
            }
            return new SdVaeFile(path.getFileName().toString(), manager, opened,
                    LatentFormat.SD1.withScalingFactor(config.scalingFactor()));
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    @Override
    public boolean hasVae() {
        return true;
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
