/**
 * Loading the T5 encoder: a transformers folder ({@code config.json} with {@code model.safetensors}, or shards
 * listed by {@code model.safetensors.index.json}) or a single safetensors file as ComfyUI's {@code text_encoders}
 * folder holds them (configuration from the tensor shapes). Safetensors only: pickle files are refused.
 */
@Export
@Version("1.0.0")
package dev.tessera.models.t5.loading;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
