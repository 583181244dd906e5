/**
 * The T5 v1.1 text encoder over DJL NDArrays ({@link dev.tessera.models.t5.T5EncoderModel}), configured and named
 * as in transformers, and its tokenization ({@link dev.tessera.models.t5.T5Tokenizer}). T5 is the second text
 * encoder of FLUX and SD3, so it has its own bundle rather than living with either diffusion model. Loading files
 * is in the {@code loading} subpackage; nothing here reads files or JSON.
 */
@Export
@Version("1.1.0")
package dev.tessera.models.t5;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
