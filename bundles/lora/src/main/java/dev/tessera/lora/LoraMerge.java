package dev.tessera.lora;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.PatchedWeights;
import dev.tessera.models.core.Weights;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * LoRAs merged into patched copies of only the parameters they touch: {@code W' = W + Σ delta}, summed over every
 * patch in float32 and converted once to the weight's dtype. The base weights are read, never written, and stay
 * shared: a model built over {@link #weights()} uses the copies for the touched parameters and the very same base
 * tensors for the rest. Removing the LoRA is using the base weights again; {@link #close()} frees the copies.
 *
 * <p>Several patches stack as the sum of their deltas, in any order. Chosen over a runtime low-rank add per
 * forward pass: see docs/lora.md for the measurements.
 */
public final class LoraMerge implements AutoCloseable {

    private final NDManager manager;
    private final Weights weights;
    private final Set<String> replaced;

    private LoraMerge(NDManager manager, Weights weights, Set<String> replaced) {
        this.manager = manager;
        this.weights = weights;
        this.replaced = Collections.unmodifiableSet(replaced);
    }

    /**
     * Merges {@code patches} (all for the same component) over {@code base}. The copies live in a sub-manager of
     * {@code parent} on the base weights' device, until {@link #close()}.
     */
    public static LoraMerge apply(Weights base, List<LoraPatch> patches, NDManager parent) {
        requireOneComponent(patches);
        Map<String, Shape> shapes = new LinkedHashMap<>();
        patches.forEach(p -> shapes.putAll(p.shapes()));
        if (shapes.isEmpty()) {
            return new LoraMerge(parent.newSubManager(), base, Set.of());
        }
        Device device = base.get(shapes.keySet().iterator().next(), shapes.values().iterator().next()).getDevice();
        NDManager manager = parent.newSubManager(device);
        try {
            Map<String, NDArray> merged = mergedCopies(base, patches, manager);
            return new LoraMerge(manager, new PatchedWeights(base, merged), merged.keySet());
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static void requireOneComponent(List<LoraPatch> patches) {
        List<String> components = patches.stream().map(p -> p.component().component()).distinct().toList();
        if (components.size() > 1) {
            throw new IllegalArgumentException("patches for different components cannot merge into one set of"
                    + " weights: " + components);
        }
    }

    /**
     * The merged copies alone, {@code W + Σ delta} by canonical name, in each base weight's dtype, attached to
     * {@code target} (on the base weights' device) and outside any computation scope; for callers that keep
     * replacements themselves (a model handle's weight patch).
     */
    public static Map<String, NDArray> mergedCopies(Weights base, List<LoraPatch> patches, NDManager target) {
        requireOneComponent(patches);
        Map<String, Shape> shapes = new LinkedHashMap<>();
        patches.forEach(p -> shapes.putAll(p.shapes()));
        Map<String, NDArray> merged = new LinkedHashMap<>();
        try (NDManager scratch = target.newSubManager()) {
            Map<String, NDArray> sums = new LinkedHashMap<>();
            patches.forEach(p -> p.accumulate(sums, scratch));
            for (Map.Entry<String, NDArray> sum : sums.entrySet()) {
                NDArray weight = base.get(sum.getKey(), shapes.get(sum.getKey()));
                NDArray copy = patched(weight, sum.getValue(), scratch);
                copy.attach(target);
                // Lives as long as its owner, not as long as a computation scope the caller may have open.
                NDScope.unregister(copy);
                merged.put(sum.getKey(), copy);
            }
        }
        return merged;
    }

    /** {@code weight + delta} in float32, in the weight's dtype, on {@code scratch}; {@code weight} is only read. */
    private static NDArray patched(NDArray weight, NDArray delta, NDManager scratch) {
        DataType type = weight.getDataType();
        NDArray widened = weight;
        if (type != DataType.FLOAT32) {
            widened = weight.toType(DataType.FLOAT32, false);
            widened.attach(scratch); // created in the base weights' manager: move it out before it lingers there
        }
        NDArray sum = delta.add(widened); // delta first: the result belongs to scratch, not to the base's manager
        return type == DataType.FLOAT32 ? sum : sum.toType(type, false);
    }

    /** The base weights with the merged copies substituted: build a model over this to use the LoRAs. */
    public Weights weights() {
        return weights;
    }

    /** Canonical names of the parameters replaced by merged copies. */
    public Set<String> replacedParameters() {
        return replaced;
    }

    /** Frees the merged copies; models built over {@link #weights()} must not be used afterwards. */
    @Override
    public void close() {
        manager.close();
    }
}
