package dev.tessera.sd.nodes.internal;

import dev.tessera.model.api.LatentFormat;
import dev.tessera.models.sd.AutoencoderKL;

/** Where a VAE handle's model comes from: a checkpoint's VAE or a standalone VAE file. */
interface VaeSource {

    boolean hasVae();

    /** The VAE, read on first call. */
    AutoencoderKL vae();

    /** Its latent family and scaling factor. */
    LatentFormat vaeFormat();
}
