package dev.tessera.sd.nodes.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.model.api.LatentFormat;
import dev.tessera.model.api.Vae;
import dev.tessera.models.core.sharing.Shared;
import dev.tessera.models.sd.AutoencoderKL;
import dev.tessera.models.sd.DiagonalGaussian;
import dev.tessera.tensor.TensorScope;

/**
 * VAE for an SD1.x checkpoint or VAE file: IMAGE pixels {@code [B, H, W, 3]} in [0, 1] to the posterior mean and
 * back, as ComfyUI's {@code VAE.encode} / {@code VAE.decode}: pixels {@code 2x - 1} in, {@code clamp((x + 1) / 2, 0,
 * 1)} out, latents unscaled.
 */
final class SdVae implements Vae {

    private final Shared.Lease<? extends VaeSource> lease;

    SdVae(Shared.Lease<? extends VaeSource> lease) {
        this.lease = lease;
    }

    @Override
    public LatentFormat latentFormat() {
        return lease.get().vaeFormat();
    }

    @Override
    public NDArray encode(NDArray pixels, NDManager manager) {
        Shape shape = pixels.getShape();
        int downscale = latentFormat().downscale();
        if (shape.dimension() != 4 || shape.get(3) != 3) {
            throw new IllegalArgumentException("pixels: shape " + shape + ", expected an IMAGE [batch, height, width, 3]");
        }
        if (shape.get(1) % downscale != 0 || shape.get(2) % downscale != 0) {
            throw new IllegalArgumentException("pixels: " + shape.get(2) + "x" + shape.get(1) + " is not a multiple of "
                    + downscale + " on both sides");
        }
        AutoencoderKL vae = lease.get().vae();
        NDArray mean = TensorScope.keep(() -> {
            NDArray image = pixels.toDevice(manager.getDevice(), false).transpose(0, 3, 1, 2).mul(2f).sub(1f);
            DiagonalGaussian posterior = vae.encode(image);
            return posterior.mean().toType(DataType.FLOAT32, false);
        });
        mean.attach(manager);
        return mean;
    }

    @Override
    public NDArray decode(NDArray latent, NDManager manager) {
        LatentFormat format = latentFormat();
        Shape shape = latent.getShape();
        if (shape.dimension() != 4 || shape.get(1) != format.channels()) {
            throw new IllegalArgumentException("samples: shape " + shape + ", this VAE decodes " + format.describe()
                    + " latents [batch, " + format.channels() + ", height, width]");
        }
        NDArray image = TensorScope.keep(() -> decodeRaw(latent.toDevice(manager.getDevice(), false))
                .add(1f).div(2f).clip(0f, 1f).transpose(0, 2, 3, 1).toType(DataType.FLOAT32, false));
        image.attach(manager);
        return image;
    }

    /** The decoder's own output {@code [B, 3, H, W]} (about [-1, 1]), in the compute dtype. */
    NDArray decodeRaw(NDArray latent) {
        return lease.get().vae().decode(latent);
    }

    /** The lease on the shared model (tests read the base through it). */
    Shared.Lease<? extends VaeSource> lease() {
        return lease;
    }

    @Override
    public void close() {
        lease.close();
    }

    @Override
    public String toString() {
        return "VAE[" + (lease.isClosed() ? "closed" : lease.get().toString()) + "]";
    }
}
