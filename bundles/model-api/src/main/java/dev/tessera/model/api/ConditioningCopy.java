package dev.tessera.model.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
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

    /**
     * ComfyUI's ConditioningConcat: each entry of {@code to} with the first entry of {@code from}'s embeddings
     * appended along the tokens ({@code torch.cat((t1, cond_from), 1)}); {@code to}'s pooled output and extras kept
     * (ComfyUI, too, uses only the first entry of {@code from}).
     */
    public static Conditioning concatenated(Conditioning to, Conditioning from, NDManager owner) {
        Conditioning.Entry first = from.entries().get(0);
        List<Conditioning.Entry> entries = new ArrayList<>();
        for (Conditioning.Entry entry : to.entries()) {
            Shape head = entry.embeddings().getShape();
            Shape tail = first.embeddings().getShape();
            if (head.get(0) != tail.get(0) || head.get(2) != tail.get(2)) {
                throw new IllegalArgumentException("conditioning_from's embeddings " + tail
                        + " cannot be appended to conditioning_to's " + head
                        + ": the batch and the embedding width must agree (the same text encoder)");
            }
            try (NDManager scope = owner.newSubManager()) {
                NDArray t1 = copy(entry.embeddings(), scope);
                NDArray joined = t1.concat(like(first.embeddings(), t1, scope), 1);
                joined.attach(owner);
                NDArray pooled = entry.pooled() == null ? null : copy(entry.pooled(), owner);
                entries.add(new Conditioning.Entry(joined, pooled, copiedExtras(entry, owner)));
            }
        }
        return Conditioning.owning(owner, entries);
    }

    /**
     * ComfyUI's ConditioningAverage: each entry of {@code to} as {@code to * toStrength + from * (1 - toStrength)},
     * {@code from} being the first entry of {@code from} cut or zero-padded to the entry's token count; the pooled
     * outputs mixed alike when both have one, {@code from}'s taken when only it has one; {@code to}'s extras kept.
     */
    public static Conditioning averaged(Conditioning to, Conditioning from, double toStrength, NDManager owner) {
        Conditioning.Entry first = from.entries().get(0);
        float s = (float) toStrength;
        List<Conditioning.Entry> entries = new ArrayList<>();
        for (Conditioning.Entry entry : to.entries()) {
            Shape shape = entry.embeddings().getShape();
            long tokens = shape.get(1);
            long width = shape.get(2);
            if (first.embeddings().getShape().get(2) != width) {
                throw new IllegalArgumentException("conditioning_from's embeddings " + first.embeddings().getShape()
                        + " cannot be averaged with conditioning_to's " + shape
                        + ": the embedding width must agree (the same text encoder)");
            }
            try (NDManager scope = owner.newSubManager()) {
                NDArray t1 = copy(entry.embeddings(), scope);
                NDArray t0 = like(first.embeddings(), t1, scope);
                t0 = t0.get(new NDIndex(":, 0:{}", Math.min(tokens, t0.getShape().get(1))));
                if (t0.getShape().get(1) < tokens) {
                    // ComfyUI pads with zeros of batch 1: a shorter `from` fades towards nothing past its end.
                    t0 = t0.concat(scope.zeros(new Shape(1, tokens - t0.getShape().get(1), width), t1.getDataType(),
                            t1.getDevice()), 1);
                }
                NDArray mixed = t1.mul(s).add(t0.mul(1f - s));
                mixed.attach(owner);
                NDArray pooled = entry.pooled() == null ? null : copy(entry.pooled(), scope);
                if (first.pooled() != null) {
                    NDArray p0 = like(first.pooled(), pooled == null ? t1 : pooled, scope);
                    pooled = pooled == null ? p0 : pooled.mul(s).add(p0.mul(1f - s));
                }
                if (pooled != null) {
                    pooled.attach(owner);
                }
                entries.add(new Conditioning.Entry(mixed, pooled, copiedExtras(entry, owner)));
            }
        }
        return Conditioning.owning(owner, entries);
    }

    /** {@code x} copied onto {@code scope} with the device and dtype of {@code model}. */
    private static NDArray like(NDArray x, NDArray model, NDManager scope) {
        NDArray copy = copy(x, scope);
        return copy.toDevice(model.getDevice(), false).toType(model.getDataType(), false);
    }

    private static Map<String, Object> copiedExtras(Conditioning.Entry entry, NDManager owner) {
        Map<String, Object> extras = new LinkedHashMap<>();
        entry.extras().forEach((key, value) -> extras.put(key, copyValue(value, owner)));
        return extras;
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
