/**
 * LoRA bundles: a jar holding LoRA safetensors files and a {@code Tessera-LoRA} manifest header that declares them.
 * {@link dev.tessera.lora.bundle.LoraBundles} writes one (what {@code tessera lora-bundle} does) and reads the
 * header; the lora bundle's extender offers the declared files among LoraLoader's options while the bundle is active.
 * Plain Java: nothing here needs a framework.
 */
@Export
@Version("1.0.0")
package dev.tessera.lora.bundle;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
