package dev.tessera.models.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * {@link Weights} read lazily from a {@link WeightSource}: each parameter is read when first asked for, converted
 * once to the compute dtype on this manager's device, and kept until {@link #close()}. Only one tensor's bytes
 * pass through memory at a time, so a checkpoint loads without heap in proportion to its size.
 */
public final class DeviceWeights implements Weights, AutoCloseable {

    private final WeightSource source;
    private final NDManager manager;
    private final DataType dtype;
    private final Map<String, NDArray> loaded = new ConcurrentHashMap<>();
    private final Map<String, NDArray> derived = new ConcurrentHashMap<>();

    /**
     * @param source  where the parameters are stored
     * @param manager owns the loaded tensors and fixes their device; closed by {@link #close()}
     * @param dtype   the floating dtype to compute in (integer parameters keep their type)
     */
    public DeviceWeights(WeightSource source, NDManager manager, DataType dtype) {
        ComputeTypes.require(dtype, "weights");
        this.source = source;
        this.manager = manager;
        this.dtype = dtype;
    }

    public DataType dataType() {
        return dtype;
    }

    public NDManager manager() {
        return manager;
    }

    @Override
    public NDArray get(String name, Shape shape) {
        Shape stored = source.shape(name).orElseThrow(() -> new ModelLoadException(
                "missing parameter '" + name + "' (" + source.describe(name) + "), expected shape " + shape));
        if (!stored.equals(shape)) {
            throw new ModelLoadException("parameter '" + name + "' (" + source.describe(name) + ") has shape "
                    + stored + ", expected " + shape);
        }
        return loaded.computeIfAbsent(name, this::load);
    }

    /** Made once on this manager and shared by every model built over these weights (or over a patched view). */
    @Override
    public NDArray derive(String key, List<NDArray> sources, Function<List<NDArray>, NDArray> make) {
        return derived.computeIfAbsent(key, k -> {
            NDArray made = make.apply(sources);
            made.attach(manager);
            NDScope.unregister(made);
            made.setName(k);
            return made;
        });
    }

    /** How many parameters have been read so far. */
    public int loadedCount() {
        return loaded.size();
    }

    private NDArray load(String name) {
        NDArray raw = source.load(name, manager);
        NDArray converted = raw;
        if (raw.getDataType().isFloating() && raw.getDataType() != dtype) {
            converted = raw.toType(dtype, false);
            raw.close();
        }
        // Kept for the model's life: never closed by a computation scope that happens to be open.
        NDScope.unregister(converted);
        converted.setName(name);
        return converted;
    }

    @Override
    public void close() {
        loaded.clear();
        derived.clear();
        manager.close();
    }
}
