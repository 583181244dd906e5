/**
 * Decoder-only language models over DJL NDArrays: {@link dev.tessera.models.llm.CausalLM} (transformers'
 * LlamaForCausalLM and Qwen2ForCausalLM), its {@link dev.tessera.models.llm.KvCache}, sampling and text generation
 * ({@link dev.tessera.models.llm.TextGenerator}). Loading folders is in the {@code loading} subpackage and the layout
 * grammar in {@code grammar}; nothing here reads files or JSON.
 */
@Export
@Version("1.0.0")
package dev.tessera.models.llm;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
