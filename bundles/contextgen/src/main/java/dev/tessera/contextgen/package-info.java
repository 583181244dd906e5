/**
 * ContextGen's layout to sequence semantics, as plain math over heap arrays and DJL tensors (no OSGi, no JSON).
 *
 * <p>{@link dev.tessera.contextgen.TokenGrid} and {@link dev.tessera.contextgen.TokenBox} put pixels on FLUX's
 * 16-pixel token grid; {@link dev.tessera.contextgen.ContextGenSequence} is the sequence
 * {@code [text | main image | layout image | ref1 .. refN]} with its CLA and ICA masks, position ids and segment
 * lengths; {@link dev.tessera.contextgen.BlockAssignment} says which block (of models-dit's {@code BlockKind}) uses
 * which {@link dev.tessera.contextgen.ContextGenMask} (CLA or ICA; 2.0: renamed from AttentionMode, which said
 * something else than models-dit's; contextgen's own BlockKind and the unused ContextGenAttention gone: the
 * ContextGenApply node builds models-dit's per-block masks from the sequence and the assignment).
 * {@link dev.tessera.contextgen.Reference}, {@link dev.tessera.contextgen.ContextGenLayout},
 * {@link dev.tessera.contextgen.LayerOrder} and {@link dev.tessera.contextgen.LayoutCompositor} are the inputs and
 * the layout image composite; {@link dev.tessera.contextgen.KontextCaption} is the caption template.
 */
@Export
@Version("2.0.0")
package dev.tessera.contextgen;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
