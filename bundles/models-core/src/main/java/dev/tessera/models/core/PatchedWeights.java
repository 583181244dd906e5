package dev.tessera.models.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.NDScope;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A view of base weights with a few parameters replaced (a LoRA merge, say). The base stays untouched and
 * shared: a model built over this view uses the replacements and the base tensors for everything else.
 */
public final class PatchedWeights implements Weights {

    private final Weights base;
    private final Map<String, NDArray> replacements;
    private final Set<NDArray> replaced = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<String, NDArray> derived = new ConcurrentHashMap<>();

    /** {@code replacements} by canonical name; each must have the shape the model expects of that parameter. */
    public PatchedWeights(Weights base, Map<String, NDArray> replacements) {
        this.base = base;
        this.replacements = Map.copyOf(replacements);
        this.replaced.addAll(this.replacements.values());
    }

    /**
     * From the base's derivation when no source is a replacement (made once, shared with the base and its other
     * views); otherwise made here from the replacements, on the manager of the first replaced source (the patch's,
     * which is closed with the patch), kept for this view's life.
     */
    @Override
    public NDArray derive(String key, List<NDArray> sources, Function<List<NDArray>, NDArray> make) {
        NDArray patched = null;
        for (NDArray source : sources) {
            if (source != null && replaced.contains(source)) {
                patched = source;
                break;
            }
        }
        if (patched == null) {
            return base.derive(key, sources, make);
        }
        NDArray owner = patched;
        return derived.computeIfAbsent(key, k -> {
            NDArray made = make.apply(sources);
            made.attach(owner.getManager());
            NDScope.unregister(made);
            return made;
        });
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
