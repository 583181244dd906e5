package dev.tessera.sd.nodes.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.model.api.ModelPatch;
import dev.tessera.model.api.ParameterView;
import dev.tessera.model.api.WeightPatch;
import dev.tessera.models.core.PatchedWeights;
import dev.tessera.models.core.Weights;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The models of one component (UNet or text encoder) built over the shared base weights, one per distinct list of
 * weight patches. A variant lives while a {@link Use} holds it; a few unused ones are kept for the next run (two
 * KSamplers on two LoRAs take turns without rebuilding), older unused ones are freed.
 */
final class PatchedModels<M> implements AutoCloseable {

    /** Unused patched variants kept for reuse; each costs the memory of the parameters its patches replace. */
    static final int KEEP_UNUSED = 2;

    private final String component;
    private final Supplier<Weights> baseWeights;
    private final Supplier<M> baseModel;
    private final Supplier<Map<String, Shape>> specs;
    private final Function<Weights, M> build;
    private final NDManager parent;
    private final DataType dtype;
    /** In access order: the eldest unused variant is evicted first. */
    private final LinkedHashMap<List<String>, Variant<M>> variants = new LinkedHashMap<>(4, 0.75f, true);
    private int builds;
    private boolean closed;

    /**
     * @param component the {@link ParameterView#component()} name
     * @param baseWeights the base parameters (reads them on first call)
     * @param baseModel the model over the base weights, shared by every unpatched handle
     * @param specs name to shape of every parameter of the component
     * @param build builds a model over (patched) weights
     * @param parent parent of each variant's manager (its device is the compute device)
     */
    PatchedModels(String component, Supplier<Weights> baseWeights, Supplier<M> baseModel,
            Supplier<Map<String, Shape>> specs, Function<Weights, M> build, NDManager parent, DataType dtype) {
        this.component = component;
        this.baseWeights = baseWeights;
        this.baseModel = baseModel;
        this.specs = specs;
        this.build = build;
        this.parent = parent;
        this.dtype = dtype;
    }

    /** The model with {@code patches} applied in order; close the use when done with it. */
    synchronized Use<M> acquire(List<WeightPatch> patches) {
        if (closed) {
            throw new IllegalStateException(component + " models are closed");
        }
        if (patches.isEmpty()) {
            return new Use<>(this, baseModel.get(), null);
        }
        List<String> key = patches.stream().map(ModelPatch::key).toList();
        Variant<M> variant = variants.get(key);
        if (variant == null) {
            variant = buildVariant(patches);
            variants.put(key, variant);
        }
        variant.users++;
        return new Use<>(this, variant.model, variant);
    }

    /** How many patched variants were built so far (tests: variants are reused, not rebuilt). */
    synchronized int builds() {
        return builds;
    }

    /** How many patched variants are held now. */
    synchronized int variants() {
        return variants.size();
    }

    private Variant<M> buildVariant(List<WeightPatch> patches) {
        Weights base = baseWeights.get();
        Map<String, Shape> shapes = specs.get();
        NDManager manager = parent.newSubManager();
        try {
            Map<String, NDArray> replaced = new HashMap<>();
            for (WeightPatch patch : patches) {
                View view = new View(component, base, shapes, replaced, dtype);
                Map<String, NDArray> replacements = patch.apply(view, manager);
                for (Map.Entry<String, NDArray> entry : replacements.entrySet()) {
                    replaced.put(entry.getKey(), checked(patch, entry.getKey(), entry.getValue(), shapes, manager));
                }
            }
            M model = build.apply(new PatchedWeights(base, replaced));
            builds++;
            return new Variant<>(model, manager);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private NDArray checked(WeightPatch patch, String name, NDArray value, Map<String, Shape> shapes,
            NDManager manager) {
        Shape expected = shapes.get(name);
        if (expected == null) {
            throw new IllegalArgumentException("patch " + patch.key() + " replaces '" + name + "', which the "
                    + component + " does not have");
        }
        if (!value.getShape().equals(expected)) {
            throw new IllegalArgumentException("patch " + patch.key() + " gives '" + name + "' the shape "
                    + value.getShape() + ", the " + component + " expects " + expected);
        }
        NDArray result = value.getDataType() == dtype ? value : value.toType(dtype, false);
        result.attach(manager);
        // Kept with the variant: a computation scope open around the build must not free it.
        NDScope.unregister(result);
        return result;
    }

    private synchronized void release(Variant<M> variant) {
        variant.users--;
        long unused = variants.values().stream().filter(v -> v.users == 0).count();
        Iterator<Map.Entry<List<String>, Variant<M>>> eldestFirst = variants.entrySet().iterator();
        while (unused > KEEP_UNUSED && eldestFirst.hasNext()) {
            Variant<M> v = eldestFirst.next().getValue();
            if (v.users == 0) {
                eldestFirst.remove();
                v.manager.close();
                unused--;
            }
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        variants.values().forEach(v -> v.manager.close());
        variants.clear();
    }

    private static final class Variant<M> {
        final M model;
        final NDManager manager;
        int users;

        Variant(M model, NDManager manager) {
            this.model = model;
            this.manager = manager;
        }
    }

    /** A model in use; closing it lets an unused patched variant be freed. */
    static final class Use<M> implements AutoCloseable {
        private final PatchedModels<M> owner;
        private final M model;
        private final Variant<M> variant;
        private boolean closed;

        private Use(PatchedModels<M> owner, M model, Variant<M> variant) {
            this.owner = owner;
            this.model = model;
            this.variant = variant;
        }

        M model() {
            return model;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                if (variant != null) {
                    owner.release(variant);
                }
            }
        }
    }

    /** The component's parameters as the patches so far left them. */
    private record View(String component, Weights base, Map<String, Shape> shapes, Map<String, NDArray> replaced,
            DataType dataType) implements ParameterView {

        @Override
        public Set<String> names() {
            return shapes.keySet();
        }

        @Override
        public Shape shape(String name) {
            Shape shape = shapes.get(name);
            if (shape == null) {
                throw new IllegalArgumentException("the " + component + " has no parameter '" + name + "'");
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
