package dev.tessera.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.lora.LoraMatch.Matched;
import dev.tessera.lora.LoraTarget.Rows;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One LoRA file's modules for one model component at one strength: {@code W' = W + strength * (alpha / rank) *
 * up.flatten(1) @ down.flatten(1)} per patched parameter, reshaped to the parameter (conv LoCon, linear-as-1x1-conv)
 * and split or reordered by rows where the module sits on a fused layer. Immutable; computes nothing until asked.
 * Made by {@link LoraMatch#patch}; applied by {@link LoraMerge}.
 */
public final class LoraPatch {

    private final LoraFile file;
    private final LoraMapping component;
    private final double strength;
    private final List<Matched> modules;

    LoraPatch(LoraFile file, LoraMapping component, double strength, List<Matched> modules) {
        this.file = file;
        this.component = component;
        this.strength = strength;
        this.modules = List.copyOf(modules);
    }

    public LoraFile file() {
        return file;
    }

    public LoraMapping component() {
        return component;
    }

    public double strength() {
        return strength;
    }

    /** The modules applied. */
    public List<Matched> modules() {
        return modules;
    }

    /** Canonical names of the parameters this patch changes. */
    public Set<String> parameters() {
        Set<String> names = new LinkedHashSet<>();
        modules.forEach(m -> m.targets().targets().forEach(t -> names.add(t.parameter())));
        return names;
    }

    /** The parameters' shapes, by canonical name. */
    public Map<String, Shape> shapes() {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        modules.forEach(m -> m.targets().targets().forEach(t -> shapes.put(t.parameter(), t.shape())));
        return shapes;
    }

    /**
     * This patch's deltas in float32 by canonical parameter name, on {@code manager} (its device); deltas of
     * modules that address the same parameter are summed. At strength 0 they are all zero.
     */
    public Map<String, NDArray> deltas(NDManager manager) {
        Map<String, NDArray> sums = new LinkedHashMap<>();
        accumulate(sums, manager);
        return sums;
    }

    /** Adds this patch's deltas into {@code sums}; everything it creates is attached to {@code manager}. */
    void accumulate(Map<String, NDArray> sums, NDManager manager) {
        for (Matched matched : modules) {
            LoraModule module = matched.module();
            NDArray up = float32(file.load(module.upTensor(), manager))
                    .reshape(module.outRows(), module.rank())
                    .mul((float) (strength * module.scale())); // on the small factor: rows x rank, not rows x in
            NDArray down = float32(file.load(module.downTensor(), manager)).reshape(module.rank(), -1);
            for (LoraTarget target : matched.targets().targets()) {
                NDArray delta = rowsOf(up, target, module.outRows()).matMul(down).reshape(target.shape());
                sums.merge(target.parameter(), delta, NDArray::add);
            }
        }
    }

    private static NDArray float32(NDArray factor) {
        return factor.getDataType() == DataType.FLOAT32 ? factor : factor.toType(DataType.FLOAT32, false);
    }

    /** The up rows {@code target} takes, in its order: all of them as they are, a slice, or slices concatenated. */
    private static NDArray rowsOf(NDArray up, LoraTarget target, long moduleRows) {
        List<Rows> ranges = target.sourceRows();
        if (ranges.size() == 1 && ranges.get(0).start() == 0 && ranges.get(0).end() == moduleRows) {
            return up;
        }
        NDList parts = new NDList();
        for (Rows rows : ranges) {
            parts.add(up.get(new NDIndex("{}:{}", rows.start(), rows.end())));
        }
        return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0);
    }

    @Override
    public String toString() {
        return "LoraPatch[" + file.path().getFileName() + " on " + component.component() + " at " + strength + ", "
                + modules.size() + " modules]";
    }
}
