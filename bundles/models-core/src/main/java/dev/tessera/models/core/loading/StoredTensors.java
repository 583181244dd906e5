package dev.tessera.models.core.loading;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.WeightSource;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Canonical parameter names to where they are stored: one or several (sharded) safetensors files. Public for the
 * loaders of transformers-layout folders in other model bundles (models-t5, models-llm).
 */
public final class StoredTensors implements WeightSource {

    /** A stored tensor: its file and its name there. */
    public record Location(SafetensorsFile file, String name) {
    }

    private final Map<String, Location> locations;

    public StoredTensors(Map<String, Location> locations) {
        this.locations = Collections.unmodifiableMap(new LinkedHashMap<>(locations));
    }

    @Override
    public Set<String> names() {
        return locations.keySet();
    }

    @Override
    public Optional<Shape> shape(String name) {
        Location at = locations.get(name);
        return at == null ? Optional.empty() : Optional.of(new Shape(at.file().info(at.name()).shape()));
    }

    @Override
    public NDArray load(String name, NDManager manager) {
        Location at = locations.get(name);
        if (at == null) {
            throw new IllegalArgumentException("no stored tensor for parameter '" + name + "'");
        }
        return at.file().load(at.name(), manager);
    }

    @Override
    public String describe(String name) {
        Location at = locations.get(name);
        if (at == null) {
            return "not stored";
        }
        return (at.name().equals(name) ? "" : "stored as '" + at.name() + "' ") + "in " + at.file().path();
    }
}
