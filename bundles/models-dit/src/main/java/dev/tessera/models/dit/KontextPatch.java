package dev.tessera.models.dit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.model.api.ModelPatch;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A MODEL patch for FLUX handles: context tokens appended after the noise tokens at every call (FLUX.1-Kontext's
 * reference image, ContextGen's layout image and references), with their position ids, and the attention mask of
 * each block over [text, noise tokens, context tokens] (ContextGen's CLA/ICA; {@link BlockMasks#none()} for plain
 * Kontext). Only the noise tokens' prediction goes to the sampler (see {@code dev.tessera.models.dit.Kontext}).
 *
 * <p>The patch owns its tensors' manager: handles that carry it hold a reference, and the manager is closed when
 * the last of them is closed ({@link #acquire}/{@link #release}, used by the FLUX handle). A patch never applied
 * is closed with {@link #release} by its creator.
 */
public final class KontextPatch implements ModelPatch {

    private final NDManager manager;
    private final NDArray contextTokens;
    private final NDArray contextIds;
    private final BlockMasks masks;
    private final AttentionMode mode;
    private final String key;
    private final AtomicInteger refs = new AtomicInteger(1);

    private KontextPatch(NDManager manager, NDArray contextTokens, NDArray contextIds, BlockMasks masks,
            AttentionMode mode, String key) {
        this.manager = manager;
        this.contextTokens = contextTokens;
        this.contextIds = contextIds;
        this.masks = masks;
        this.mode = mode;
        this.key = key;
    }

    /**
     * A patch that takes ownership of {@code manager} and moves the tensors into it.
     *
     * @param contextTokens packed context latents in the model's space [1, M, in_channels]
     * @param contextIds their position ids [M, 3] (index 1; see {@code Kontext.contextIds})
     * @param masks per-block masks over [text, noise, context], or {@link BlockMasks#none()}
     * @param key what makes this patch's effect unique (e.g. the layout and reference files and sizes)
     */
    public static KontextPatch owning(NDManager manager, NDArray contextTokens, NDArray contextIds,
            BlockMasks masks, AttentionMode mode, String key) {
        Objects.requireNonNull(manager, "manager");
        Objects.requireNonNull(masks, "masks");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(key, "key");
        Shape tokens = contextTokens.getShape();
        Shape ids = contextIds.getShape();
        if (tokens.dimension() != 3 || tokens.get(0) != 1) {
            throw new IllegalArgumentException("Kontext patch: context tokens must be [1, tokens, channels], got "
                    + tokens);
        }
        if (ids.dimension() != 2 || ids.get(0) != tokens.get(1)) {
            throw new IllegalArgumentException("Kontext patch: context ids must be [" + tokens.get(1)
                    + ", axes] for " + tokens.get(1) + " context tokens, got " + ids);
        }
        contextTokens.attach(manager);
        contextIds.attach(manager);
        return new KontextPatch(manager, contextTokens, contextIds, masks, mode, key);
    }

    public NDArray contextTokens() {
        return contextTokens;
    }

    public NDArray contextIds() {
        return contextIds;
    }

    public BlockMasks masks() {
        return masks;
    }

    public AttentionMode mode() {
        return mode;
    }

    @Override
    public String key() {
        return "kontext:" + key;
    }

    /** One more holder (a handle carrying the patch). */
    public KontextPatch acquire() {
        if (refs.getAndIncrement() <= 0) {
            throw new IllegalStateException("Kontext patch " + key + " is already closed");
        }
        return this;
    }

    /** One holder fewer; the last closes the tensors. */
    public void release() {
        if (refs.decrementAndGet() == 0) {
            manager.close();
        }
    }
}
