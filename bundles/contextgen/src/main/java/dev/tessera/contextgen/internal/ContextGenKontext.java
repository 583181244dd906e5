package dev.tessera.contextgen.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import dev.tessera.contextgen.BlockAssignment;
import dev.tessera.contextgen.ContextGenLayout;
import dev.tessera.contextgen.ContextGenMask;
import dev.tessera.contextgen.ContextGenSequence;
import dev.tessera.contextgen.TokenGrid;
import dev.tessera.model.api.LatentFormat;
import dev.tessera.model.api.LatentPacking;
import dev.tessera.model.api.Vae;
import dev.tessera.models.dit.AttentionMask;
import dev.tessera.models.dit.BlockKind;
import dev.tessera.models.dit.BlockMasks;
import dev.tessera.models.dit.FluxTransformerConfig;
import dev.tessera.models.dit.KontextPatch;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * ContextGen as a FLUX Kontext patch: the layout image and the references (grey outside their alpha) through the
 * VAE, moved to the model's latent space and packed 2x2, appended after the noise tokens in sequence order; their
 * position ids from {@link ContextGenSequence#positionIds} (layout at index 1 on the main grid, references offset
 * by the cumulative heights and widths); and each DiT block's mask (CLA or ICA by {@link BlockAssignment}) over
 * [text, main, layout, refs], which is the order FLUX's joint attention uses. Each distinct mask is analysed once.
 */
public final class ContextGenKontext {

    private ContextGenKontext() {}

    /**
     * @param format the model's latent format (FLUX: 16 channels, scale and shift)
     * @param textTokens the text length the conditioning will have (512 for FLUX.1 with T5)
     * @param manager the patch takes ownership of it; also where the VAE runs its temporaries
     * @param key what identifies the patch's effect
     * @throws IllegalArgumentException naming what does not fit: VAE and model, sizes, blocks
     */
    public static KontextPatch patch(ContextGenLayout layout, FluxTransformerConfig config, LatentFormat format,
            Vae vae, int textTokens, BlockAssignment assignment, dev.tessera.models.dit.AttentionMode mode,
            NDManager manager, String key) {
        LatentFormat vaeFormat = vae.latentFormat();
        if (!format.compatibleWith(vaeFormat) || vaeFormat.downscale() * LatentPacking.PATCH
                != TokenGrid.PATCH) {
            throw new IllegalArgumentException("the VAE makes " + vaeFormat.describe() + " latents at "
                    + vaeFormat.downscale() + "x downscale, the model takes " + format.describe() + " latents at "
                    + TokenGrid.PATCH / LatentPacking.PATCH + "x (one token per " + TokenGrid.PATCH + " px after 2x2"
                    + " packing): give ContextGenApply the model's own autoencoder (FLUX's ae)");
        }
        if (format.channels() * LatentPacking.PATCH * LatentPacking.PATCH != config.inChannels()) {
            throw new IllegalArgumentException("the model's latent format has " + format.channels()
                    + " channels but its transformer takes " + config.inChannels() + " packed channels");
        }
        if (assignment.singleIcaTo() > config.numSingleLayers()) {
            throw new IllegalArgumentException("block assignment " + assignment + " reaches single block "
                    + (assignment.singleIcaTo() - 1) + " but the transformer has " + config.numSingleLayers());
        }
        ContextGenSequence sequence = layout.sequence(textTokens);
        int contextStart = sequence.layoutStart();
        NDArray tokens = null;
        try (NDManager work = manager.newSubManager()) {
            List<NDArray> images = layout.contextImages(work, DataType.FLOAT32);
            for (NDArray image : images) {
                NDArray latent = vae.encode(image, work);
                NDArray packed = LatentPacking.pack(format.toModel(latent.toType(DataType.FLOAT32, false)));
                tokens = tokens == null ? packed : tokens.concat(packed, 1);
            }
            long expected = sequence.length() - contextStart;
            if (tokens.getShape().get(1) != expected) {
                throw new IllegalStateException("the context images gave " + tokens.getShape().get(1)
                        + " tokens, the ContextGen sequence expects " + expected);
            }
            tokens.attach(manager);
        }
        NDArray ids;
        try (NDManager work = manager.newSubManager()) {
            NDArray all = sequence.positionIds(work, DataType.FLOAT32);
            // A copy, not a view: DJL backs arrays made from Java data by that buffer (torch::from_blob), which
            // goes with `all` when `work` closes; a view of it would read freed memory.
            ids = all.get(new NDIndex("{}:", contextStart)).duplicate();
            ids.attach(manager);
        }
        Map<ContextGenMask, AttentionMask> masks = new EnumMap<>(ContextGenMask.class);
        for (ContextGenMask m : ContextGenMask.values()) {
            if (used(assignment, config, m)) {
                masks.put(m, AttentionMask.of(sequence.mask(m), sequence.length()));
            }
        }
        BlockMasks perBlock = (kind, index) -> masks.get(assignment.mode(kind, index));
        return KontextPatch.owning(manager, tokens, ids, perBlock, mode, key);
    }

    private static boolean used(BlockAssignment assignment, FluxTransformerConfig config, ContextGenMask mode) {
        for (int i = 0; i < config.numLayers(); i++) {
            if (assignment.mode(BlockKind.DOUBLE, i) == mode) {
                return true;
            }
        }
        for (int i = 0; i < config.numSingleLayers(); i++) {
            if (assignment.mode(BlockKind.SINGLE, i) == mode) {
                return true;
            }
        }
        return false;
    }
}
