/**
 * Diffusion transformers over DJL NDArrays: {@link dev.tessera.models.dit.FluxTransformer2DModel} (FLUX.1 and
 * FLUX.1-Kontext) and {@link dev.tessera.models.dit.Sd3Transformer2DModel} (SD3 / SD3.5's MMDiT) named and
 * configured as in diffusers, with an optional boolean attention mask per block
 * ({@link dev.tessera.models.dit.BlockMasks}) computed by {@link dev.tessera.models.dit.MaskedAttention}, which
 * skips keys a group of queries may not see. {@link dev.tessera.models.dit.Kontext} appends context image tokens.
 * The DiT's plug-in points (1.1): {@link dev.tessera.models.dit.KontextPatch}, the model-api patch carrying
 * context tokens, their position ids and per-block masks (FLUX.1-Kontext, ContextGen), and
 * {@link dev.tessera.models.dit.FluxModel}, what a FLUX MODEL handle shows a patch builder; plug-ins depend on this
 * bundle and model-api, not on flux-nodes. {@link dev.tessera.models.dit.Sd3TextConditioning} (1.3) composes SD3's
 * prompt conditioning from its text encoders' outputs.
 * Parameters come through {@code dev.tessera.models.core.Weights}; loading checkpoints is in the {@code loading}
 * subpackage; nothing here reads files or JSON.
 */
@Export
@Version("1.3.0")
package dev.tessera.models.dit;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
