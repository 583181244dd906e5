/**
 * Loading SD1.x checkpoints into the models of {@code dev.tessera.models.sd}: diffusers folders (config.json and
 * safetensors per component) and original single-file checkpoints (keys converted to diffusers names here, at the
 * edge; topology from the tensor shapes, standard SD1.x values, and an optional architecture file). Safetensors
 * only: pickle files are refused. {@link dev.tessera.models.sd.loading.LdmUnetNames} gives a UNet parameter's
 * original name (LoRA key tables use it too); {@link dev.tessera.models.sd.loading.VaeFile} is a standalone VAE file
 * (ComfyUI's {@code models/vae}) with its latent family.
 */
@Export
@Version("2.1.0")
package dev.tessera.models.sd.loading;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
