package dev.tessera.models.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The parameters a model of a given configuration asks for, in the order it asks, found by building the model
 * over a recording {@link Weights} (model constructors only store tensors, so building with none is harmless).
 * Lets a loader check a whole file against the model before reading any tensor data.
 */
public final class ParameterSpecs {

    private ParameterSpecs() {
    }

    /** Name to shape of every parameter {@code build} requests. */
    public static Map<String, Shape> of(Function<Weights, ?> build) {
        Map<String, Shape> requested = new LinkedHashMap<>();
        build.apply((String name, Shape shape) -> {
            Shape previous = requested.putIfAbsent(name, shape);
            if (previous != null && !previous.equals(shape)) {
                throw new IllegalStateException("parameter " + name + " requested as " + previous + " and " + shape);
            }
            return (NDArray) null;
        });
        return Collections.unmodifiableMap(requested);
    }
}
