/**
 * The patched-model runtime every model family's handles share: {@link dev.tessera.model.api.runtime.PatchedModels},
 * the variants of one component (UNet, text encoder, DiT) under weight patches, built once per patch list over the
 * shared base weights, kept while used, the unused ones beyond a few freed. The open files the bases come from are
 * models-core's {@code dev.tessera.models.core.sharing} (leases, the open-file cache).
 *
 * <p>Family-neutral: the SD1.x handles (sd-nodes) and the DiT handles (flux-nodes) use it without depending on each
 * other. It reads no file itself: the family gives the base parameters and builds the model.
 */
@Export
@Version("1.0.0")
package dev.tessera.model.api.runtime;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
