/**
 * Loading SD1.x checkpoints into the models of {@code dev.tessera.models.sd}: diffusers folders (config.json and
 * safetensors per component) and original single-file checkpoints (keys converted to diffusers names here, at the
 * edge; topology from the tensor shapes, standard SD1.x values, and an optional architecture file). Safetensors
 * only: pickle files are refused.
 */
@Export
@Version("1.2.0")
package dev.tessera.models.sd.loading;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
