/**
 * The LAYOUT value: a global caption and instances, each a phrase with a normalised [0,1] xyxy box (origin top
 * left) and optionally a mask and a reference image. Readers convert the text formats peers use (the MIGLoRA
 * paper's token format, Tessera JSON, MIGC lists, HiCo / released-MIGLoRA lists, ContextGen's
 * {@code segment_info.json}) at the edge and say which coordinate convention they read; {@link
 * dev.tessera.layout.PaperFormat} writes the paper's format back. {@link dev.tessera.layout.LayoutParser} is the
 * prompt to layout service (a rule-based parser is registered by this bundle), and {@link
 * dev.tessera.layout.BoxMasks} turns boxes into binary masks at pixel and latent resolution. {@link dev.tessera.layout.LayoutDataset} reads and writes folders of images with their layouts
 * (training and evaluation data).
 */
@Export
@Version("1.1.0")
package dev.tessera.layout;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
