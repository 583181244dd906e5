/**
 * LoRA math: reading LoRA safetensors ({@link dev.tessera.lora.LoraFile}), mapping their module names onto a
 * model's canonical parameter names, one table per backbone ({@link dev.tessera.lora.LoraMapping}), checking that a
 * file fits a model ({@link dev.tessera.lora.LoraMatch}), and merging one or several LoRAs at given strengths into
 * patched copies of only the touched parameters ({@link dev.tessera.lora.LoraMerge}); base weights are never
 * modified. Plain Java over DJL NDArrays: no OSGi, no JSON.
 */
@Export
@Version("1.0.0")
package dev.tessera.lora;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
