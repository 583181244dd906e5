package dev.tessera.sampling.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.sampling.Denoiser;
import dev.tessera.sampling.ModelStep;
import dev.tessera.sampling.NoiseSource;
import dev.tessera.sampling.Prediction;
import dev.tessera.sampling.Sampler;
import dev.tessera.sampling.SamplingException;
import dev.tessera.sampling.Schedule;
import dev.tessera.sampling.StepCallback;
import dev.tessera.sampling.StepProgress;
import java.util.Locale;

/**
 * The loop every sampler shares: one tensor scope per step, the model call, the finiteness check, the callback,
 * and moving what the next step needs into the next scope before the previous one closes.
 */
abstract class SamplerBase implements Sampler {

    private final String name;
    protected final Prediction prediction;

    SamplerBase(String name, Prediction prediction) {
        if (prediction == null) {
            throw new IllegalArgumentException("prediction type is required");
        }
        this.name = name;
        this.prediction = prediction;
    }

    /** One run over a schedule; holds the run's history (multistep samplers), never the sampler. */
    interface Run {

        /** Advances {@code x} from noise level {@code sigma(i)} to {@code sigma(i + 1)}. */
        StepOutput step(int i, NDArray x);

        /** Moves the tensors later steps need into {@code scope}; everything else of the step is freed. */
        default void carryInto(NDManager scope) {}
    }

    record StepOutput(NDArray next, NDArray denoised) {}

    /** The latent parameterisation this sampler uses for {@code schedule}; rejects schedules it cannot run. */
    abstract LatentSpace space(Schedule schedule);

    abstract Run start(Schedule schedule, Denoiser model, NoiseSource noise);

    @Override
    public String name() {
        return name;
    }

    @Override
    public NDArray initialLatent(NDArray noise, Schedule schedule) {
        return space(schedule).initial(noise, schedule);
    }

    @Override
    public NDArray noisedLatent(NDArray latent, NDArray noise, Schedule schedule) {
        return space(schedule).noised(latent, noise, schedule);
    }

    @Override
    public final NDArray sample(Denoiser model, NDArray x, Schedule schedule, NoiseSource noise,
            StepCallback callback) {
        space(schedule);
        requirePredictionFits(schedule);
        StepCallback listener = callback == null ? StepCallback.NONE : callback;
        NDManager parent = x.getManager();
        NDManager scope = parent.newSubManager();
        try {
            NDArray current = x.duplicate();
            current.attach(scope);
            Run run = start(schedule, model, noise);
            int total = schedule.steps();
            for (int i = 0; i < total; i++) {
                StepOutput out = run.step(i, current);
                requireFinite(out.next(), i, schedule);
                listener.onStep(new StepProgress(i, total, schedule.sigma(i + 1), out.next(), out.denoised()));
                NDManager finished = scope;
                scope = parent.newSubManager();
                out.next().attach(scope);
                run.carryInto(scope);
                finished.close();
                current = out.next();
            }
            current.attach(parent);
            return current;
        } finally {
            scope.close();
        }
    }

    /** Calls the model and takes ownership of its output, checked against the input's shape and dtype. */
    static NDArray predict(Denoiser model, NDArray input, NDArray latent, Schedule schedule, int i) {
        NDArray out = model.predict(input,
                new ModelStep(i, schedule.steps(), schedule.timestep(i), schedule.sigma(i)));
        if (out == null) {
            throw new IllegalStateException("the model returned nothing at step " + i);
        }
        out.attach(latent.getManager());
        if (!out.getShape().equals(latent.getShape())) {
            throw new IllegalArgumentException("the model returned shape " + out.getShape() + " at step " + i
                    + " for a latent of shape " + latent.getShape());
        }
        return out.getDataType() == latent.getDataType() ? out : out.toType(latent.getDataType(), false);
    }

    /** {@code sum_k coefficients[k] * arrays[k]}; null arrays with coefficient 0 are skipped. */
    static NDArray combine(double[] coefficients, NDArray[] arrays) {
        NDArray sum = null;
        for (int k = 0; k < arrays.length; k++) {
            if (coefficients[k] == 0) {
                continue;
            }
            NDArray term = arrays[k].mul((float) coefficients[k]);
            sum = sum == null ? term : sum.addi(term);
        }
        return sum != null ? sum : arrays[0].zerosLike();
    }

    private void requirePredictionFits(Schedule schedule) {
        boolean flow = schedule.kind() == Schedule.Kind.FLOW;
        if (flow != (prediction == Prediction.FLOW)) {
            throw new IllegalArgumentException("sampler " + name + " with " + prediction
                    + " prediction cannot run a " + schedule.kind() + " schedule");
        }
    }

    private static void requireFinite(NDArray latent, int i, Schedule schedule) {
        float largest;
        try (NDArray max = latent.abs().max()) {
            largest = max.getDataType() == DataType.FLOAT32 ? max.getFloat() : max.toType(DataType.FLOAT32, false).getFloat();
        }
        if (!Float.isFinite(largest)) {
            throw new SamplingException(i, String.format(Locale.ROOT,
                    "the latent is %s after step %d of %d (timestep %s, sigma %.6g): the model's prediction or"
                            + " the starting latent holds non-finite values",
                    Float.isNaN(largest) ? "NaN" : "infinite", i + 1, schedule.steps(),
                    formatTimestep(schedule.timestep(i)), schedule.sigma(i)));
        }
    }

    private static String formatTimestep(double t) {
        return t == Math.rint(t) ? Long.toString((long) t) : Double.toString(t);
    }
}
