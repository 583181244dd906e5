package dev.tessera.models.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

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
}
