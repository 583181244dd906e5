package dev.tessera.models.core.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The unit weights and zero biases a normalisation without affine parameters hands to libtorch (DJL's layer_norm
 * and batch_norm take them as tensors, never as "none"): made once per length and dtype on the manager that owns
 * a model's weights, and closed with it, instead of an ones and a zeros launched on every call.
 */
final class NormConstants implements AutoCloseable {

    private static final Map<NDManager, NormConstants> BY_MANAGER = new ConcurrentHashMap<>();

    private final NDManager owner;
    private final Map<String, NDArray[]> pairs = new ConcurrentHashMap<>();

    private NormConstants(NDManager owner) {
        this.owner = owner;
    }

    /** {ones, zeros} of length {@code n} in {@code dtype} on {@code owner}'s device, kept until it closes. */
    static NDArray[] onesZeros(NDManager owner, long n, DataType dtype) {
        NormConstants constants = BY_MANAGER.computeIfAbsent(owner, key -> {
            NormConstants made = new NormConstants(owner);
            owner.attachInternal(NDManager.nextUid(), made);
            return made;
        });
        return constants.pairs.computeIfAbsent(n + ":" + dtype, k -> {
            NDArray ones = owner.ones(new Shape(n), dtype);
            NDArray zeros = owner.zeros(new Shape(n), dtype);
            // Made during a call, kept across calls: out of the computation scope that is open.
            NDScope.unregister(ones, zeros);
            return new NDArray[] {ones, zeros};
        });
    }

    /** Called when the owning manager closes (the tensors close with it). */
    @Override
    public void close() {
        BY_MANAGER.remove(owner);
        pairs.clear();
    }
}
