/**
 * A LoRA file as a model-api {@link dev.tessera.model.api.WeightPatch}: the patch a LoraLoader puts on a MODEL or
 * CLIP handle. It holds the file's path and a strength; the handle calls it when it builds the patched model, over
 * the component's parameters as earlier patches left them, and keeps the merged copies.
 */
@Export
@Version("1.0.0")
package dev.tessera.lora.patch;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
