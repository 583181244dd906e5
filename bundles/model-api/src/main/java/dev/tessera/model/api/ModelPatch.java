package dev.tessera.model.api;

/**
 * A change a model handle carries over its base: a {@link WeightPatch} or a {@link ForwardHook}. Patches are
 * immutable values; a handle applies them in the order they were added.
 */
public interface ModelPatch {

    /**
     * What this patch does, as a stable string: two patches with equal keys change a model identically (e.g. the
     * LoRA file's path, modification time and strength). Handles cache patched models by the list of their patches'
     * keys, so a key must change whenever the effect changes.
     */
    String key();
}
