/**
 * Text tokenization for the text encoders: {@link dev.tessera.tokenizers.TextTokenizer} runs a Hugging Face
 * tokenizer (DJL's binding of the Rust library, embedded in this bundle with its native part), and
 * {@link dev.tessera.tokenizers.ClipTokenizer} turns a Stable Diffusion prompt with ComfyUI's weighting syntax into
 * 77-token windows with per-token weights ({@link dev.tessera.tokenizers.WeightedTokens}). Plain Java: no OSGi and
 * no tensors, so the text encoders decide device and dtype.
 */
@Export
@Version("1.1.0")
package dev.tessera.tokenizers;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
