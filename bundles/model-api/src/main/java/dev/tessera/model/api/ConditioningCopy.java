package dev.tessera.model.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A conditioning copied into a new manager, with each entry's extras changed: nodes that add to a conditioning
 * never share tensors with their input (which the host may close). Tensors among the extras, also inside lists
 * (FLUX's reference latents), are copied too.
 */
public final class ConditioningCopy {

    private ConditioningCopy() {
    }

    /** The copy, owning {@code owner}; {@code change} edits each entry's (already copied) extras. */
    public static Conditioning of(Conditioning input, NDManager owner,
            UnaryOperator<Map<String, Object>> change) {
        return map(input, owner, x -> copy(x, owner), change);
    }

    /**
     * ComfyUI's ConditioningZeroOut: each entry's text embeddings and pooled vector as zeros of the same shape and
     * dtype, its extras (FluxGuidance's guidance, reference latents) copied as they are; owning {@code owner}.
     */
    public static Conditioning zeroed(Conditioning input, NDManager owner) {
        return map(input, owner, x -> owner.zeros(x.getShape(), x.getDataType(), x.getDevice()), extras -> extras);
    }

    private static Conditioning map(Conditioning input, NDManager owner, UnaryOperator<NDArray> tensors,
            UnaryOperator<Map<String, Object>> change) {
        List<Conditioning.Entry> entries = new ArrayList<>();
        for (Conditioning.Entry entry : input.entries()) {
            NDArray embeddings = tensors.apply(entry.embeddings());
            NDArray pooled = entry.pooled() == null ? null : tensors.apply(entry.pooled());
            Map<String, Object> extras = new LinkedHashMap<>();
            entry.extras().forEach((key, value) -> extras.put(key, copyValue(value, owner)));
            entries.add(new Conditioning.Entry(embeddings, pooled, change.apply(extras)));
        }
        return Conditioning.owning(owner, entries);
    }

    /**
     * ComfyUI's ConditioningCombine: the entries of every conditioning, in order, copied into one owning
     * {@code owner} (the sampler takes the strength-weighted mean over them, or places them by their areas).
     */
    public static Conditioning combined(List<Conditioning> inputs, NDManager owner) {
        List<Conditioning.Entry> entries = new ArrayList<>();
        for (Conditioning input : inputs) {
            entries.addAll(of(input, owner, extras -> extras).entries());
        }
        return Conditioning.owning(owner, entries);
    }

    /** {@code x} duplicated onto {@code owner}. */
    public static NDArray copy(NDArray x, NDManager owner) {
        NDArray copy = x.duplicate();
        copy.attach(owner);
        return copy;
    }

    private static Object copyValue(Object value, NDManager owner) {
        if (value instanceof NDArray array) {
            return copy(array, owner);
        }
        if (value instanceof List<?> list && list.stream().anyMatch(NDArray.class::isInstance)) {
            List<Object> copied = new ArrayList<>();
            for (Object item : list) {
                copied.add(copyValue(item, owner));
            }
            return List.copyOf(copied);
        }
        return value;
    }
}
