package dev.tessera.models.sd.loading;

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
 * Parameters of one model component stored in a safetensors file under other names: canonical name to stored
 * name, and the canonical names whose stored tensor is a 1x1 convolution kernel [out, in, 1, 1] standing for a
 * linear weight [out, in] (the original VAE's attention projections).
 */
final class SafetensorsWeightSource implements WeightSource {

    private final SafetensorsFile file;
    private final Map<String, String> storedNames;
    private final Set<String> squeezed;

    SafetensorsWeightSource(SafetensorsFile file, Map<String, String> storedNames, Set<String> squeezed) {
        this.file = file;
        this.storedNames = Collections.unmodifiableMap(new LinkedHashMap<>(storedNames));
        this.squeezed = Set.copyOf(squeezed);
    }

    @Override
    public Set<String> names() {
        return storedNames.keySet();
    }

    @Override
    public Optional<Shape> shape(String name) {
        String stored = storedNames.get(name);
        if (stored == null || !file.contains(stored)) {
            return Optional.empty();
        }
        Shape shape = new Shape(file.info(stored).shape());
        return Optional.of(squeezed.contains(name) ? squeeze(shape) : shape);
    }

    @Override
    public NDArray load(String name, NDManager manager) {
        String stored = storedNames.get(name);
        NDArray raw = file.load(stored, manager);
        if (!squeezed.contains(name)) {
            return raw;
        }
        NDArray linear = raw.reshape(squeeze(raw.getShape()));
        raw.close();
        return linear;
    }

    @Override
    public String describe(String name) {
        String stored = storedNames.getOrDefault(name, name);
        return (stored.equals(name) ? "" : "stored as '" + stored + "' ") + "in " + file.path();
    }

    /** [out, in, 1, 1] to [out, in]; any other shape is left for the shape check to report. */
    private static Shape squeeze(Shape shape) {
        if (shape.dimension() == 4 && shape.get(2) == 1 && shape.get(3) == 1) {
            return new Shape(shape.get(0), shape.get(1));
        }
        return shape;
    }
}
