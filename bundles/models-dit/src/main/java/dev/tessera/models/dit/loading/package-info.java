/**
 * Opening FLUX and SD3 transformers ({@link dev.tessera.models.dit.loading.FluxCheckpoint},
 * {@link dev.tessera.models.dit.loading.Sd3Checkpoint}, both {@link dev.tessera.models.dit.loading.TransformerCheckpoint})
 * from the diffusers folder layout ({@code config.json} + safetensors) and from their original single-file layouts
 * (BFL's and SD3's: fused {@code qkv} and {@code linear1} split at this edge, (shift, scale) modulation halves
 * swapped), with an architecture file for what keys do not say.
 */
@Export
@Version("1.1.0")
package dev.tessera.models.dit.loading;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
