package dev.tessera.models.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Optional;
import java.util.Set;

/**
 * Stored parameters by canonical name, as they are on disk: shapes known without reading data, each tensor read
 * on request in its stored dtype. Implementations map canonical names to the names and layout of their file.
 */
public interface WeightSource {

    /** The canonical names this source can load. */
    Set<String> names();

    /** The canonical shape of {@code name}, if present. */
    Optional<Shape> shape(String name);

    /** Reads {@code name} in its stored dtype onto {@code manager}'s device, attached to {@code manager}. */
    NDArray load(String name, NDManager manager);

    /** Where a parameter comes from, for messages: the file and the stored name. */
    String describe(String name);
}
