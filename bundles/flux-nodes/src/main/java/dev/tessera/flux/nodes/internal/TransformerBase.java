package dev.tessera.flux.nodes.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.model.api.ModelPatch;
import dev.tessera.model.api.ParameterView;
import dev.tessera.model.api.WeightPatch;
import dev.tessera.models.core.ParameterSpecs;
import dev.tessera.models.core.PatchedWeights;
import dev.tessera.models.core.Weights;
import dev.tessera.models.dit.loading.TransformerCheckpoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The checkpoint shared by a DiT's MODEL handles and bound denoisers (FLUX, SD3), and the transformers built over it
 * with weight patches (one per distinct list of patch keys, holding only the replaced parameters; kept until the
 * checkpoint goes); closed by the last release.
 *
 * @param <C> the transformer configuration
 * @param <M> the transformer
 */
final class TransformerBase<C, M> {

    /** Builds a transformer of a configuration over weights in a dtype (the model's constructor). */
    interface Builder<C, M> {
        M build(C config, Weights weights, DataType dtype);
    }

    final TransformerCheckpoint<C, M> checkpoint;
    final AtomicInteger refs = new AtomicInteger();
    /** The model's name in messages ("FLUX", "SD3"). */
    final String family;
    private final Builder<C, M> builder;
    private final Map<List<String>, M> variants = new HashMap<>();
    private final List<NDManager> variantManagers = new ArrayList<>();

    /** @param family the model's name in messages ("FLUX", "SD3") */
    TransformerBase(TransformerCheckpoint<C, M> checkpoint, String family, Builder<C, M> builder) {
        this.checkpoint = checkpoint;
        this.family = family;
        this.builder = builder;
    }

    /** The transformer with {@code patches} applied in order (the base one without patches). */
    synchronized M transformer(List<WeightPatch> patches) {
        if (patches.isEmpty()) {
            return checkpoint.model();
        }
        List<String> key = patches.stream().map(ModelPatch::key).toList();
        M variant = variants.get(key);
        if (variant == null) {
            variant = build(patches);
            variants.put(key, variant);
        }
        return variant;
    }

    private M build(List<WeightPatch> patches) {
        C config = checkpoint.config();
        DataType dtype = checkpoint.dataType();
        Weights weights = checkpoint.weights();
        Map<String, Shape> shapes = ParameterSpecs.of(w -> builder.build(config, w, DataType.FLOAT32));
        NDManager manager = checkpoint.weights().manager().newSubManager();
        try {
            Map<String, NDArray> replaced = new HashMap<>();
            for (WeightPatch patch : patches) {
                ParameterView view = new View(family, weights, shapes, replaced, dtype);
                for (Map.Entry<String, NDArray> e : patch.apply(view, manager).entrySet()) {
                    Shape expected = shapes.get(e.getKey());
                    if (expected == null || !expected.equals(e.getValue().getShape())) {
                        throw new IllegalArgumentException("patch " + patch.key() + " gives '" + e.getKey()
                                + "' the shape " + e.getValue().getShape() + "; the " + family + " transformer "
                                + (expected == null ? "has no such parameter" : "expects " + expected));
                    }
                    NDArray value = e.getValue().getDataType() == dtype ? e.getValue()
                            : e.getValue().toType(dtype, false);
                    value.attach(manager);
                    // Kept with the variant: a computation scope open around the build must not free it.
                    NDScope.unregister(value);
                    replaced.put(e.getKey(), value);
                }
            }
            M model = builder.build(config, new PatchedWeights(weights, replaced), dtype);
            variantManagers.add(manager);
            return model;
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    void release() {
        if (refs.decrementAndGet() == 0) {
            synchronized (this) {
                variants.clear();
                variantManagers.forEach(NDManager::close);
                variantManagers.clear();
            }
            checkpoint.close();
        }
    }

    /** The transformer's parameters as the patches so far left them (component {@code transformer}). */
    private record View(String family, Weights base, Map<String, Shape> shapes, Map<String, NDArray> replaced,
            DataType dataType) implements ParameterView {

        @Override
        public String component() {
            return "transformer";
        }

        @Override
        public Set<String> names() {
            return shapes.keySet();
        }

        @Override
        public Shape shape(String name) {
            Shape shape = shapes.get(name);
            if (shape == null) {
                throw new IllegalArgumentException("the " + family + " transformer has no parameter '" + name + "'");
            }
            return shape;
        }

        @Override
        public NDArray get(String name) {
            NDArray value = replaced.get(name);
            return value != null ? value : base.get(name, shape(name));
        }
    }
}
