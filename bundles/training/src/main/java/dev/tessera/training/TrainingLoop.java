package dev.tessera.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import dev.tessera.tensor.TensorScope;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The loop every trainer runs: for each step a loss computed under a gradient collector, its backward pass, an
 * AdamW update with a warm-up and cosine learning-rate schedule, an optional moving average of the parameters, a
 * line of the loss log, the progress line, and every {@code checkpointEvery} steps (and at the end, and when asked
 * to stop) a checkpoint. Every random draw of step {@code i} comes from {@code (seed, i)} alone, so a run resumed
 * from the checkpoint of step {@code k} computes what the uninterrupted run computed after step {@code k}.
 */
public final class TrainingLoop {

    /**
     * @param stage           the name on progress lines and in errors
     * @param steps           total steps of the run
     * @param checkpointEvery steps between checkpoints
     * @param learningRate    peak learning rate
     * @param warmup          steps of linear warm-up
     * @param finalFraction   the learning rate at the last step, as a fraction of the peak (cosine decay)
     * @param emaDecay        decay of the parameters' moving average, 0 for none
     * @param folder          where {@code checkpoint.safetensors}, {@code loss.csv} and {@code loss.png} go
     */
    public record Settings(String stage, long steps, int checkpointEvery, double learningRate, int warmup,
            double finalFraction, double emaDecay, Path folder) {

        public Settings {
            if (steps <= 0 || checkpointEvery <= 0) {
                throw new IllegalArgumentException(stage + ": steps and checkpoint interval must be positive");
            }
        }

        public Path checkpoint() {
            return folder.resolve("checkpoint.safetensors");
        }

        /** The learning rate of step {@code step} (0-based). */
        public double learningRate(long step) {
            if (step < warmup) {
                return learningRate * (step + 1) / warmup;
            }
            double progress = steps <= warmup ? 1 : (double) (step - warmup) / Math.max(1, steps - warmup - 1);
            double cosine = 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
            return learningRate * (finalFraction + (1 - finalFraction) * cosine);
        }
    }

    /** One step's loss, a scalar computed from the parameters on {@code scratch} (closed after the step). */
    @FunctionalInterface
    public interface Step {
        NDArray loss(long step, NDManager scratch);
    }

    private final Settings settings;
    private final Map<String, NDArray> parameters;
    private final Map<String, NDArray> average = new LinkedHashMap<>();
    private final AdamW optimizer;
    private final Map<String, String> metadata;
    private long step;

    /**
     * @param parameters the trained parameters (gradients attached), by name
     * @param resumed    the checkpoint to continue from, or null to start at step 0
     * @param metadata   written into every checkpoint (the run's settings)
     */
    public TrainingLoop(Settings settings, Map<String, NDArray> parameters, AdamW optimizer,
            TrainingCheckpoint resumed, Map<String, String> metadata) {
        this.settings = settings;
        this.parameters = new LinkedHashMap<>(parameters);
        this.optimizer = optimizer;
        this.metadata = Map.copyOf(metadata);
        NDManager owner = parameters.values().iterator().next().getManager();
        if (resumed != null) {
            this.step = resumed.step();
            optimizer.restore(resumed.optimizerState(), resumed.optimizerSteps(), owner);
            resumed.average().forEach((k, v) -> average.put(k, keep(v.duplicate(), owner)));
        }
        if (settings.emaDecay() > 0) {
            for (Map.Entry<String, NDArray> e : this.parameters.entrySet()) {
                average.computeIfAbsent(e.getKey(), k -> keep(e.getValue().stopGradient().duplicate(), owner));
            }
        }
    }

    private static NDArray keep(NDArray array, NDManager owner) {
        array.attach(owner);
        NDScope.unregister(array);
        return array;
    }

    /** The checkpoint in {@code settings}' folder to continue from, or null when the run starts afresh. */
    public static TrainingCheckpoint resumable(Settings settings, NDManager manager) {
        return java.nio.file.Files.exists(settings.checkpoint())
                ? TrainingCheckpoint.read(settings.checkpoint(), manager) : null;
    }

    /** The step the next call of {@link #run} starts at. */
    public long step() {
        return step;
    }

    /** The moving average of the parameters (empty without one). */
    public Map<String, NDArray> average() {
        return average;
    }

    /**
     * Runs until the last step or until {@code stop} says so (checked between steps; a checkpoint is written
     * then). Returns whether the run reached its last step.
     */
    public boolean run(Step body, NDManager parent, TrainingProgress progress, BooleanSupplier stop) {
        LossLog log = LossLog.open(settings.folder().resolve("loss.csv"), step);
        progress.start(settings.stage(), step, settings.steps());
        long lastCheckpoint = step;
        while (step < settings.steps()) {
            if (stop.getAsBoolean()) {
                checkpoint();
                progress.note("stopped at step " + step + "; the checkpoint continues from there");
                return false;
            }
            double lr = settings.learningRate(step);
            float[] loss = new float[1];
            try (NDManager scratch = parent.newSubManager()) {
                TensorScope.run(() -> {
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray value = body.loss(step, scratch);
                        collector.backward(value);
                        loss[0] = value.getFloat();
                    }
                });
                if (!Float.isFinite(loss[0])) {
                    throw new TrainingException(settings.stage() + ": the loss at step " + step + " is " + loss[0]
                            + "; the last checkpoint (" + settings.checkpoint() + ", step " + lastCheckpoint
                            + ") is kept: lower the learning rate");
                }
                TensorScope.run(() -> optimizer.step(parameters, lr));
                if (settings.emaDecay() > 0) {
                    double decay = Math.min(settings.emaDecay(), (1.0 + step) / (10.0 + step));
                    TensorScope.run(() -> {
                        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
                            average.get(e.getKey()).muli(decay).addi(e.getValue().stopGradient().mul(1 - decay));
                        }
                    });
                }
            }
            step++;
            log.append(step, loss[0], lr);
            progress.step(step, loss[0]);
            if (step % settings.checkpointEvery() == 0 || step == settings.steps()) {
                checkpoint();
                lastCheckpoint = step;
            }
        }
        log.close();
        log.plot(settings.folder().resolve("loss.png"), settings.stage());
        progress.finish();
        return true;
    }

    private void checkpoint() {
        TrainingCheckpoint.write(settings.checkpoint(), step, parameters, average, optimizer, metadata);
    }
}
