package dev.tessera.models.dit.loading;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.models.core.DeviceWeights;
import dev.tessera.models.core.loading.PartsWeightSource;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What every transformer checkpoint (FLUX, SD3) is once opened: its configuration, the open files, the base
 * weights on the compute device, and the model built over them on first use.
 *
 * @param <C> the configuration
 * @param <M> the model
 */
public abstract class TransformerCheckpoint<C, M> implements AutoCloseable {

    private final C config;
    private final List<SafetensorsFile> files;
    private final DeviceWeights weights;
    private final DataType dtype;
    private final String description;
    private M model;

    TransformerCheckpoint(C config, List<SafetensorsFile> files, PartsWeightSource source, NDManager manager,
            DataType dtype, String description) {
        this.config = config;
        this.files = files;
        this.weights = new DeviceWeights(source, manager, dtype);
        this.dtype = dtype;
        this.description = description;
    }

    /** Builds the model over the base weights. */
    abstract M build(C config, DeviceWeights weights, DataType dtype);

    public C config() {
        return config;
    }

    /** The compute dtype. */
    public DataType dataType() {
        return dtype;
    }

    /** The base weights (for patching, e.g. a merged LoRA over {@code PatchedWeights}). */
    public DeviceWeights weights() {
        return weights;
    }

    /** The model over the base weights, built (and its tensors read) on first call. */
    public final synchronized M model() {
        if (model == null) {
            model = build(config, weights, dtype);
        }
        return model;
    }

    @Override
    public String toString() {
        return description;
    }

    @Override
    public void close() {
        weights.close();
        files.forEach(SafetensorsFile::close);
    }

    /** {@code name.arch.json} beside {@code file} when it exists, else null. */
    static Path archBeside(Path file) {
        Path beside = file.resolveSibling(file.getFileName().toString().replaceFirst("\\.safetensors$", "")
                + ".arch.json");
        return Files.isRegularFile(beside) ? beside : null;
    }
}
