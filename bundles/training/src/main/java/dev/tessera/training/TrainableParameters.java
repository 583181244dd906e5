package dev.tessera.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.ModelLoadException;
import dev.tessera.models.core.Weights;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * A model's parameters as float32 tensors that collect gradients: a {@link Weights} that creates each parameter the
 * first time a model asks for it, initialised from the seed and the parameter's name (so the order in which models
 * are built does not change the values), or takes it from given values (a resumed checkpoint, a frozen base).
 *
 * <p>Initialisation follows PyTorch's defaults for the layers the SD models are built from: a 1-D {@code weight} is
 * a normalisation scale (ones), a bias is zero, a matrix or convolution kernel is uniform in +-1/sqrt(fan_in)
 * (torch's kaiming_uniform with a = sqrt(5)), and an embedding table is normal with standard deviation 0.02
 * (transformers' CLIP). Names matched by {@code zeroInit} start at zero (a zero-initialised output layer).
 */
public final class TrainableParameters implements Weights, AutoCloseable {

    private final NDManager manager;
    private final long seed;
    private final Predicate<String> zeroInit;
    private final Map<String, NDArray> parameters = new LinkedHashMap<>();
    private final Map<String, NDArray> given;
    private boolean trainable = true;

    /**
     * @param manager owns the parameters (and fixes their device); closed by {@link #close()}
     * @param seed    the initialisation seed
     * @param given   values to use instead of an initialisation, by name (their shapes are checked)
     */
    public TrainableParameters(NDManager manager, long seed, Map<String, NDArray> given, Predicate<String> zeroInit) {
        this.manager = manager;
        this.seed = seed;
        this.given = Map.copyOf(given);
        this.zeroInit = zeroInit;
    }

    public TrainableParameters(NDManager manager, long seed) {
        this(manager, seed, Map.of(), name -> false);
    }

    /** Whether the parameters created from now on collect gradients (a frozen base does not). */
    public TrainableParameters frozen() {
        this.trainable = false;
        return this;
    }

    @Override
    public synchronized NDArray get(String name, Shape shape) {
        NDArray existing = parameters.get(name);
        if (existing != null) {
            if (!existing.getShape().equals(shape)) {
                throw new ModelLoadException("parameter '" + name + "' was created with shape " + existing.getShape()
                        + ", now asked for with " + shape);
            }
            return existing;
        }
        NDArray value;
        NDArray start = given.get(name);
        if (start != null) {
            if (!start.getShape().equals(shape)) {
                throw new ModelLoadException("parameter '" + name + "' is given with shape " + start.getShape()
                        + ", the model expects " + shape);
            }
            // A copy the optimiser may update in place, in float32 on this manager's device.
            value = start.toDevice(manager.getDevice(), false).toType(DataType.FLOAT32, false).duplicate();
            value.attach(manager);
        } else {
            value = manager.create(initial(name, shape), shape).duplicate();
        }
        NDScope.unregister(value);
        value.setName(name);
        if (trainable) {
            value.setRequiresGradient(true);
        }
        parameters.put(name, value);
        return value;
    }

    private float[] initial(String name, Shape shape) {
        int size = Math.toIntExact(shape.size());
        float[] values = new float[size];
        if (zeroInit.test(name) || name.endsWith(".bias")) {
            return values;
        }
        if (shape.dimension() == 1) {
            java.util.Arrays.fill(values, 1f);
            return values;
        }
        SplittableRandom random = new SplittableRandom(seed ^ (long) name.hashCode() * 0x9E3779B97F4A7C15L);
        if (name.contains("embedding.weight")) {
            for (int i = 0; i < size; i++) {
                values[i] = (float) (gaussian(random) * 0.02);
            }
            return values;
        }
        long fanIn = shape.size() / shape.get(0);
        double bound = 1 / Math.sqrt(fanIn);
        for (int i = 0; i < size; i++) {
            values[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
        }
        return values;
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    /** The parameters created so far, by name, in creation order. */
    public synchronized Map<String, NDArray> all() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /** How many scalars the parameters hold. */
    public synchronized long count() {
        return parameters.values().stream().mapToLong(NDArray::size).sum();
    }

    public NDManager manager() {
        return manager;
    }

    @Override
    public void close() {
        parameters.clear();
        manager.close();
    }
}
