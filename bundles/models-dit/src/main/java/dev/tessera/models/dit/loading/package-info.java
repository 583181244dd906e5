/**
 * Opening FLUX transformers from the diffusers folder layout ({@code config.json} + safetensors) and from the BFL
 * single-file layout (fused {@code qkv} and {@code linear1} split at this edge, {@code final_layer} modulation
 * halves swapped), with an architecture file for what keys do not say.
 */
@Export
@Version("1.0.0")
package dev.tessera.models.dit.loading;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
