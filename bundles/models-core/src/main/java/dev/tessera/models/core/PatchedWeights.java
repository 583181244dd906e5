package dev.tessera.models.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Map;

/**
 * A view of base weights with a few parameters replaced (a LoRA merge, say). The base stays untouched and
 * shared: a model built over this view uses the replacements and the base tensors for everything else.
 */
public final class PatchedWeights implements Weights {

    private final Weights base;
    private final Map<String, NDArray> replacements;

    /** {@code replacements} by canonical name; each must have the shape the model expects of that parameter. */
    public PatchedWeights(Weights base, Map<String, NDArray> replacements) {
        this.base = base;
        this.replacements = Map.copyOf(replacements);
    }

    @Override
    public NDArray get(String name, Shape shape) {
        NDArray replacement = replacements.get(name);
        if (replacement == null) {
            return base.get(name, shape);
        }
        if (!replacement.getShape().equals(shape)) {
            throw new ModelLoadException("replacement for parameter '" + name + "' has shape "
                    + replacement.getShape() + ", expected " + shape);
        }
        return replacement;
    }
}
