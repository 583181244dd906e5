/**
 * The patched-model runtime every model family's handles share: {@link dev.tessera.model.api.runtime.Shared}
 * (a value closed with the last of its leases: MODEL, CLIP and VAE handles over one loaded file each hold one),
 * {@link dev.tessera.model.api.runtime.OpenCheckpoints} (the open checkpoint files of a family's loaders, keyed by
 * path, size and modification time, so a second loader of an open file opens nothing) and
 * {@link dev.tessera.model.api.runtime.PatchedModels} (the variants of one component under weight patches, built
 * once per patch list over the shared base weights, the unused ones beyond a few freed).
 *
 * <p>Family-neutral: the SD1.x handles (sd-nodes) and the DiT handles (flux-nodes) use it without depending on each
 * other. It reads no file itself: the family opens and builds.
 */
@Export
@Version("1.0.0")
package dev.tessera.model.api.runtime;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
