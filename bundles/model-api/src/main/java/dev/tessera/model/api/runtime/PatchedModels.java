package dev.tessera.model.api.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.model.api.ModelPatch;
import dev.tessera.model.api.ParameterView;
import dev.tessera.model.api.WeightPatch;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The models of one component (a UNet, a text encoder, a DiT) built over the shared base weights, one per distinct
 * list of weight patches; each variant holds only the parameters its patches replace. A variant lives while a
 * {@link Use} holds it; a few unused ones are kept for the next run (two KSamplers on two LoRAs take turns without
 * rebuilding), older unused ones are freed. Family-neutral: the family says how to read a base parameter and how to
 * build its model over the base with replacements.
 *
 * @param <M> the model
 */
public final class PatchedModels<M> implements AutoCloseable {

    /** Unused patched variants kept for reuse; each costs the memory of the parameters its patches replace. */
    public static final int KEEP_UNUSED = 2;

    /** What the family gives: its base model and parameters, and how to build a model with replacements. */
    public interface Base<M> {

        /** The model over the base weights, shared by every unpatched use. */
        M model();

        /** Name to shape of every parameter of the component. */
        Map<String, Shape> shapes();

        /** The base value of {@code name} (read only; on the compute device in the compute dtype). */
        NDArray parameter(String name, Shape shape);

        /** A model over the base weights with {@code replacements} (name to value) in place of theirs. */
        M build(Map<String, NDArray> replacements);
    }

    private final String component;
    private final String description;
    private final Base<M> base;
    private final NDManager parent;
    private final DataType dtype;
    /** In access order: the eldest unused variant is evicted first. */
    private final LinkedHashMap<List<String>, Variant<M>> variants = new LinkedHashMap<>(4, 0.75f, true);
    private Map<String, Shape> shapes;
    private int builds;
    private boolean closed;

    /**
     * @param component the {@link ParameterView#component()} name ({@code unet}, {@code clip_l}, {@code transformer})
     * @param description the component in messages ("unet", "FLUX transformer")
     * @param base the base model and parameters (read on first need)
     * @param parent parent of each variant's manager (its device is the compute device)
     * @param dtype the compute dtype replacements are converted to
     */
    public PatchedModels(String component, String description, Base<M> base, NDManager parent, DataType dtype) {
        this.component = component;
        this.description = description;
        this.base = base;
        this.parent = parent;
        this.dtype = dtype;
    }

    /**
     * A {@link Base} from functions: {@code parameter} reads a base parameter, {@code build} makes the model over
     * the base with replacements, and the shapes are read once from {@code shapes}.
     */
    public static <M> Base<M> base(Supplier<M> model, Supplier<Map<String, Shape>> shapes,
            BiFunction<String, Shape, NDArray> parameter, Function<Map<String, NDArray>, M> build) {
        return new Base<>() {
            @Override
            public M model() {
                return model.get();
            }

            @Override
            public Map<String, Shape> shapes() {
                return shapes.get();
            }

            @Override
            public NDArray parameter(String name, Shape shape) {
                return parameter.apply(name, shape);
            }

            @Override
            public M build(Map<String, NDArray> replacements) {
                return build.apply(replacements);
            }
        };
    }

    /** The model with {@code patches} applied in order; close the use when done with it. */
    public synchronized Use<M> acquire(List<WeightPatch> patches) {
        if (closed) {
            throw new IllegalStateException(description + " models are closed");
        }
        if (patches.isEmpty()) {
            return new Use<>(this, base.model(), null);
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
    public synchronized int builds() {
        return builds;
    }

    /** How many patched variants are held now, in use or kept for reuse. */
    public synchronized int variants() {
        return variants.size();
    }

    private Map<String, Shape> shapes() {
        if (shapes == null) {
            shapes = base.shapes();
        }
        return shapes;
    }

    private Variant<M> buildVariant(List<WeightPatch> patches) {
        Map<String, Shape> shapes = shapes();
        NDManager manager = parent.newSubManager();
        try {
            Map<String, NDArray> replaced = new HashMap<>();
            for (WeightPatch patch : patches) {
                ParameterView view = view(component, description, shapes, base::parameter, replaced, dtype);
                Map<String, NDArray> replacements = patch.apply(view, manager);
                for (Map.Entry<String, NDArray> entry : replacements.entrySet()) {
                    replaced.put(entry.getKey(), checked(patch, entry.getKey(), entry.getValue(), shapes, manager));
                }
            }
            M model = base.build(replaced);
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
                    + description + " does not have");
        }
        if (!value.getShape().equals(expected)) {
            throw new IllegalArgumentException("patch " + patch.key() + " gives '" + name + "' the shape "
                    + value.getShape() + ", the " + description + " expects " + expected);
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

    /** Frees every variant, also those in use (their base is going). */
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
    public static final class Use<M> implements AutoCloseable {
        private final PatchedModels<M> owner;
        private final M model;
        private final Variant<M> variant;
        private boolean closed;

        private Use(PatchedModels<M> owner, M model, Variant<M> variant) {
            this.owner = owner;
            this.model = model;
            this.variant = variant;
        }

        public M model() {
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

    /**
     * A component's parameters as patches so far left them: {@code replaced} where present, else the base's.
     *
     * @param description the component in messages ("unet", "FLUX transformer")
     * @param base reads a base parameter of a shape
     */
    public static ParameterView view(String component, String description, Map<String, Shape> shapes,
            BiFunction<String, Shape, NDArray> base, Map<String, NDArray> replaced, DataType dtype) {
        return new View(component, description, shapes, base, replaced, dtype);
    }

    private record View(String component, String description, Map<String, Shape> shapes,
            BiFunction<String, Shape, NDArray> base, Map<String, NDArray> replaced, DataType dataType)
            implements ParameterView {

        @Override
        public Set<String> names() {
            return shapes.keySet();
        }

        @Override
        public Shape shape(String name) {
            Shape shape = shapes.get(name);
            if (shape == null) {
                throw new IllegalArgumentException("the " + description + " has no parameter '" + name + "'");
            }
            return shape;
        }

        @Override
        public NDArray get(String name) {
            NDArray value = replaced.get(name);
            return value != null ? value : base.apply(name, shape(name));
        }
    }
}
