package dev.tessera.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tessera.tensor.safetensors.SafetensorsException;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import dev.tessera.tensor.safetensors.SafetensorsWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A training run's state at a step, as one safetensors file: the trained parameters ({@code param.<name>}), their
 * moving average ({@code ema.<name>}, when kept), the optimiser's moments ({@code adam.m.<name>},
 * {@code adam.v.<name>}), and in the metadata the step and the optimiser's step count. Written beside its path and
 * moved into place, so a run stopped while writing keeps the previous checkpoint.
 */
public record TrainingCheckpoint(long step, Map<String, NDArray> parameters, Map<String, NDArray> average,
        Map<String, NDArray> optimizerState, long optimizerSteps, Map<String, String> metadata) {

    private static final String PARAM = "param.";
    private static final String EMA = "ema.";

    /** Writes the state to {@code file}. */
    public static void write(Path file, long step, Map<String, NDArray> parameters, Map<String, NDArray> average,
            AdamW optimizer, Map<String, String> metadata) {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        parameters.forEach((k, v) -> tensors.put(PARAM + k, v));
        average.forEach((k, v) -> tensors.put(EMA + k, v));
        tensors.putAll(optimizer.state());
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.put("training.step", Long.toString(step));
        meta.put("training.optimizer_steps", Long.toString(optimizer.steps()));
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            SafetensorsWriter.write(file, tensors, meta);
        } catch (java.io.IOException | SafetensorsException e) {
            throw new TrainingException(file + ": cannot write the checkpoint: " + e.getMessage(), e);
        }
    }

    /** Reads a checkpoint written by {@link #write}; its tensors are copies on {@code manager}. */
    public static TrainingCheckpoint read(Path file, NDManager manager) {
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            Map<String, NDArray> parameters = new LinkedHashMap<>();
            Map<String, NDArray> average = new LinkedHashMap<>();
            Map<String, NDArray> state = new LinkedHashMap<>();
            for (String name : st.names()) {
                NDArray value = st.load(name, manager);
                if (name.startsWith(PARAM)) {
                    parameters.put(name.substring(PARAM.length()), value);
                } else if (name.startsWith(EMA)) {
                    average.put(name.substring(EMA.length()), value);
                } else if (name.startsWith("adam.")) {
                    state.put(name, value);
                } else {
                    throw new TrainingException(file + ": tensor '" + name + "' is not part of a training checkpoint"
                            + " (expected param.*, ema.* or adam.*)");
                }
            }
            Map<String, String> meta = st.metadata();
            String step = meta.get("training.step");
            String optimizerSteps = meta.get("training.optimizer_steps");
            if (step == null || optimizerSteps == null) {
                throw new TrainingException(file + ": no training.step in its metadata: not a training checkpoint");
            }
            return new TrainingCheckpoint(Long.parseLong(step), parameters, average, state,
                    Long.parseLong(optimizerSteps), meta);
        } catch (SafetensorsException e) {
            throw new TrainingException(file + ": cannot read the checkpoint: " + e.getMessage(), e);
        }
    }
}
