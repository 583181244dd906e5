/**
 * Loading decoder-only language models: transformers-layout folders ({@code config.json}, {@code model.safetensors}
 * or shards listed by {@code model.safetensors.index.json}, {@code tokenizer.json}, {@code tokenizer_config.json}),
 * including a Janus-Pro checkpoint converted to safetensors (its language model under {@code language_model.}).
 * Safetensors only: pickle files are refused.
 */
@Export
@Version("1.0.0")
package dev.tessera.models.llm.loading;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
