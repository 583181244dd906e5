package dev.tessera.contextgen.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.model.api.LatentFormat;
import dev.tessera.model.api.Vae;
import dev.tessera.models.core.Weights;
import dev.tessera.models.sd.AutoencoderKL;
import dev.tessera.models.sd.AutoencoderKLConfig;
import dev.tessera.tensor.TensorScope;
import java.util.List;
import java.util.Random;

/**
 * A real FLUX-style AutoencoderKL (no quant convolutions, scale 0.3611 and shift 0.1159, downscale 8) with tiny
 * channels, {@code latentChannels} latent channels and seeded random weights, as a VAE value: what the tests feed
 * ContextGenApply where the pack has no FLUX autoencoder. The IMAGE conversions are sd-nodes' (pixels in [0, 1] to
 * [-1, 1], channels first; posterior mean).
 */
final class RandomFluxVae implements Vae {

    static AutoencoderKLConfig config(int latentChannels) {
        return new AutoencoderKLConfig(3, 3, latentChannels, List.of(8, 8, 8, 8), 1, 4, 0.3611f, false, false, true,
                0.1159f);
    }

    private final NDManager manager;
    private final AutoencoderKL vae;
    private final LatentFormat format;

    RandomFluxVae(NDManager parent, int latentChannels, long seed) {
        this.manager = parent.newSubManager();
        Random random = new Random(seed);
        Weights weights = (name, shape) -> {
            float[] values = new float[(int) shape.size()];
            boolean norm = name.contains("norm") && name.endsWith("weight");
            for (int i = 0; i < values.length; i++) {
                values[i] = norm ? 1f + 0.1f * (float) random.nextGaussian() : 0.2f * (float) random.nextGaussian();
            }
            return manager.create(values, shape);
        };
        AutoencoderKLConfig config = config(latentChannels);
        this.vae = new AutoencoderKL(config, weights, DataType.FLOAT32);
        this.format = new LatentFormat("flux", latentChannels, config.downscale(), config.scalingFactor(),
                config.shiftFactor());
    }

    @Override
    public LatentFormat latentFormat() {
        return format;
    }

    @Override
    public NDArray encode(NDArray pixels, NDManager target) {
        NDArray mean = TensorScope.keep(() -> vae.encode(pixels.transpose(0, 3, 1, 2).mul(2f).sub(1f)).mean()
                .toType(DataType.FLOAT32, false));
        mean.attach(target);
        return mean;
    }

    @Override
    public NDArray decode(NDArray latent, NDManager target) {
        NDArray image = TensorScope.keep(() -> vae.decode(latent).add(1f).div(2f).clip(0f, 1f)
                .transpose(0, 2, 3, 1));
        image.attach(target);
        return image;
    }

    @Override
    public void close() {
        manager.close();
    }
}
