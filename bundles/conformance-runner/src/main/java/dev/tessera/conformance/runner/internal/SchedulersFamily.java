package dev.tessera.conformance.runner.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.conformance.CaseOutcome;
import dev.tessera.conformance.Comparison;
import dev.tessera.conformance.ConformanceFamily;
import dev.tessera.conformance.PackContext;
import dev.tessera.conformance.Tolerance;
import dev.tessera.sampling.Sampler;
import dev.tessera.sampling.Schedule;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * The pack's {@code schedulers/} cases: scheduler arithmetic alone. The case's scheduler config gives the
 * schedule (compared with its {@code timesteps} and {@code sigmas}) and the sampler, which runs from {@code x_T}
 * on the analytic model its metadata names; each step's latent is compared with {@code trajectory}, and the
 * worst step is reported. Ancestral cases replay the noise they recorded.
 */
@Component(service = ConformanceFamily.class)
public final class SchedulersFamily implements ConformanceFamily {

    @Override
    public String name() {
        return "schedulers";
    }

    @Override
    public boolean handles(Path caseFile) {
        return caseFile.getFileName().toString().endsWith(".safetensors");
    }

    @Override
    public CaseOutcome run(PackContext context, Path caseFile) {
        NDManager manager = context.manager();
        try (SafetensorsFile st = SafetensorsFile.open(caseFile)) {
            Map<String, String> metadata = st.metadata();
            SchedulerCaseConfig caseConfig = SchedulerCaseConfig.read(caseFile.getFileName().toString(), metadata);
            AnalyticModel model = AnalyticModel.fromMetadata(metadata.get("model"));
            NDArray trajectory = floats(st.load("trajectory", manager));
            int steps = stepsOf(trajectory, metadata);
            Schedule schedule = caseConfig.config().schedule(steps);

            List<Comparison> comparisons = new ArrayList<>();
            comparisons.add(Comparison.relativeL2("timesteps", schedule.timesteps(),
                    doubles(st.load("timesteps", manager)), Tolerance.FORWARD_PASS));
            if (st.contains("sigmas")) {
                comparisons.add(Comparison.relativeL2("sigmas", schedule.sigmas(),
                        doubles(st.load("sigmas", manager)), Tolerance.FORWARD_PASS));
            }
            NDArray noise = st.contains("noise") ? floats(st.load("noise", manager)) : null;
            double worst = worstStep(caseConfig.config().sampler(), model, floats(st.load("x_T", manager)),
                    schedule, trajectory, new RecordedNoise(noise));
            comparisons.add(Comparison.relativeL2("trajectory", worst, Tolerance.TRAJECTORY));
            CaseOutcome outcome = CaseOutcome.of(comparisons);
            return caseConfig.assumption() == null ? outcome : outcome.withNote(caseConfig.assumption());
        }
    }

    /** Runs the sampler and returns the largest relative L2 error of any step's latent, the result included. */
    private static double worstStep(Sampler sampler, AnalyticModel model, NDArray xT, Schedule schedule,
            NDArray trajectory, RecordedNoise noise) {
        int steps = schedule.steps();
        double[] errors = new double[steps];
        int[] reported = {0};
        NDArray x = sampler.initialLatent(xT, schedule);
        NDArray result = sampler.sample(model.denoiser(), x, schedule, noise, progress -> {
            try (NDArray expected = trajectory.get(progress.step())) {
                errors[progress.step()] = Comparison.relativeL2Error(progress.latent(), expected);
            }
            reported[0]++;
        });
        if (reported[0] != steps) {
            throw new IllegalStateException("the sampler reported " + reported[0] + " steps, the case has " + steps);
        }
        double worst;
        try (NDArray last = trajectory.get(steps - 1)) {
            worst = Comparison.relativeL2Error(result, last);
        }
        for (double e : errors) {
            // Math.max keeps a NaN, so a diverging step fails the case.
            worst = Math.max(worst, e);
        }
        return worst;
    }

    private static int stepsOf(NDArray trajectory, Map<String, String> metadata) {
        if (trajectory.getShape().dimension() < 2) {
            throw new IllegalArgumentException("tensor 'trajectory' has shape " + trajectory.getShape()
                    + "; expected [steps, ...latent shape]");
        }
        int steps = (int) trajectory.getShape().get(0);
        String declared = metadata.get("steps");
        if (declared != null && !declared.trim().equals(Integer.toString(steps))) {
            throw new IllegalArgumentException("metadata 'steps' = " + declared + " but tensor 'trajectory' has "
                    + steps + " steps");
        }
        return steps;
    }

    private static NDArray floats(NDArray array) {
        return array.getDataType() == DataType.FLOAT32 ? array : array.toType(DataType.FLOAT32, false);
    }

    private static double[] doubles(NDArray array) {
        return array.toType(DataType.FLOAT64, false).toDoubleArray();
    }
}
