/**
 * Stable Diffusion 1.x model math over DJL NDArrays: {@link dev.tessera.models.sd.CLIPTextModel},
 * {@link dev.tessera.models.sd.UNet2DConditionModel} and {@link dev.tessera.models.sd.AutoencoderKL}, named and
 * configured as in diffusers and transformers; they read their parameters from models-core's
 * {@code Weights}. {@link dev.tessera.models.sd.AutoencoderVae} is the VAE handle over an autoencoder (SD1.x's,
 * FLUX's, SD3's) that every family's loaders give. Loading checkpoints is in the {@code loading} subpackage; nothing here reads files or JSON.
 */
@Export
@Version("2.3.0")
package dev.tessera.models.sd;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
