package dev.tessera.models.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.function.Function;

/**
 * The parameters of one model by their canonical (diffusers / transformers) names, already on the compute device
 * in the compute dtype. Models ask for each parameter once, when they are built, and keep the tensor; a view that
 * substitutes a few tensors ({@link PatchedWeights}) builds a patched model over untouched base weights.
 */
public interface Weights {

    /**
     * The parameter {@code name}, which must have {@code shape}.
     *
     * @throws ModelLoadException if the parameter is absent or has another shape
     */
    NDArray get(String name, Shape shape);

    /**
     * A tensor laid out once from parameters this view gave ({@code sources}, as returned by {@link #get}): a
     * transposed or fused weight, say, so that a call launches no per-call transpose or concatenation. Views that
     * own their tensors keep the result under {@code key} for the model's life and give the same tensor to every
     * model built over them; a patched view ({@link PatchedWeights}) derives anew only where a source is one of its
     * replacements, so a LoRA reaches the fused weights too. This default computes it each time it is asked (a
     * view that keeps nothing, as a recording view's null sources give a null result).
     *
     * @param key     names the derivation uniquely within this view (the parameter name and what was done)
     * @param sources the parameters it is made from
     * @param make    makes it from {@code sources}; must not change them
     */
    default NDArray derive(String key, List<NDArray> sources, Function<List<NDArray>, NDArray> make) {
        for (NDArray source : sources) {
            if (source == null) {
                return null;
            }
        }
        NDArray derived = make.apply(sources);
        // As long-lived as the parameters it comes from: never closed by a computation scope that happens to be open.
        NDScope.unregister(derived);
        return derived;
    }

    /** Whether a layer may lay out {@code parameters} once: not when one is trained (its gradient must reach it). */
    static boolean preparable(NDArray... parameters) {
        for (NDArray p : parameters) {
            if (p == null || p.hasGradient()) {
                return false;
            }
        }
        return true;
    }
}
