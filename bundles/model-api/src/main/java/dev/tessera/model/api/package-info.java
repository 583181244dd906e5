/**
 * The values that flow between model nodes, for any model family (SD1.x now, FLUX later), with ComfyUI's type
 * names: {@link dev.tessera.model.api.DiffusionModel} (MODEL), {@link dev.tessera.model.api.TextEncoder} (CLIP),
 * {@link dev.tessera.model.api.Vae} (VAE), {@link dev.tessera.model.api.Conditioning} (CONDITIONING) and
 * {@link dev.tessera.model.api.Latent} (LATENT). {@link dev.tessera.model.api.CheckpointFamilyLoader} (1.3) lets a
 * family's bundle answer CheckpointLoaderSimple for its single-file checkpoints.
 * {@link dev.tessera.model.api.RunCache} (1.4) keeps what a forward hook derives once per sampling run.
 * {@link dev.tessera.model.api.LatentFormat#SD_VAE} (1.5) is a standalone SD VAE's latent space, SD1.x's and SDXL's.
 *
 * <p>Model handles are immutable: a handle is one loaded base model plus an ordered list of
 * {@link dev.tessera.model.api.ModelPatch patches}. {@code withPatch} returns a new handle over the same base, so two
 * branches of a graph can hold different patches (two LoRAs, a MIGLoRA hook) without loading the base twice, and a
 * cached handle never changes under a node that holds it. Two kinds of patch exist:
 * {@link dev.tessera.model.api.WeightPatch} (replaces parameters, e.g. a merged LoRA delta) and
 * {@link dev.tessera.model.api.ForwardHook} (wraps a named stage of the forward pass, see
 * {@link dev.tessera.model.api.HookPoints}, and can switch itself on and off by sampler step).
 *
 * <p>Ownership: every value here is {@link java.lang.AutoCloseable}. A node owns what it creates and hands it to the
 * host's output cache by returning it; the cache closes it when the entry is evicted. Never close an input.
 */
@Export
@Version("1.5.0")
package dev.tessera.model.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
