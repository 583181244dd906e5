/**
 * Diffusion transformers over DJL NDArrays: {@link dev.tessera.models.dit.FluxTransformer2DModel} (FLUX.1 and
 * FLUX.1-Kontext) named and configured as in diffusers, with an optional boolean attention mask per block
 * ({@link dev.tessera.models.dit.BlockMasks}) computed by {@link dev.tessera.models.dit.MaskedAttention}, which
 * skips keys a group of queries may not see. {@link dev.tessera.models.dit.Kontext} appends context image tokens.
 * Parameters come through {@code dev.tessera.models.core.Weights}; loading checkpoints is in the {@code loading}
 * subpackage; nothing here reads files or JSON.
 */
@Export
@Version("1.0.0")
package dev.tessera.models.dit;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
