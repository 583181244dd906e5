package dev.tessera.sampling.diffusers;

import dev.tessera.sampling.NoiseSchedule;
import dev.tessera.sampling.Prediction;
import dev.tessera.sampling.Sampler;
import dev.tessera.sampling.Samplers;
import dev.tessera.sampling.Schedule;
import dev.tessera.sampling.UniPcVariant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A diffusers scheduler config (a {@code scheduler_config.json}, or the config a conformance case records) turned
 * into this bundle's schedule and sampler. Values are what a JSON parser yields: strings, numbers, booleans, null,
 * lists. The class comes from {@code _class_name} (diffusers' file) or {@code class}; absent keys take diffusers'
 * defaults for that class. Options that would change the arithmetic and that this bundle does not implement
 * (clipping, thresholding, zero-SNR rescaling, other sigma families...) are refused by name rather than ignored.
 */
public final class DiffusersSchedulerConfig {

    /** The scheduler classes this bundle reproduces. */
    public static final List<String> CLASSES = List.of("DDIMScheduler", "EulerDiscreteScheduler",
            "EulerAncestralDiscreteScheduler", "DPMSolverMultistepScheduler", "UniPCMultistepScheduler",
            "FlowMatchEulerDiscreteScheduler");

    private static final String FLOW_MATCH = "FlowMatchEulerDiscreteScheduler";

    private final Map<String, Object> values;
    private final String schedulerClass;

    private DiffusersSchedulerConfig(Map<String, Object> values, String schedulerClass) {
        this.values = values;
        this.schedulerClass = schedulerClass;
    }

    /**
     * Reads {@code config}.
     *
     * @throws IllegalArgumentException naming the key when the class is missing or unknown, a value has the wrong
     *     type, or an option asks for arithmetic this bundle does not implement
     */
    public static DiffusersSchedulerConfig of(Map<String, ?> config) {
        Objects.requireNonNull(config, "config");
        Map<String, Object> values = new LinkedHashMap<>(config);
        Object cls = values.containsKey("_class_name") ? values.get("_class_name") : values.get("class");
        if (!(cls instanceof String name)) {
            throw new IllegalArgumentException("scheduler config: '_class_name' (or 'class') must name the scheduler"
                    + " class, got " + cls);
        }
        if (!CLASSES.contains(name)) {
            throw new IllegalArgumentException("scheduler config: class '" + name + "' is not one of "
                    + String.join(", ", CLASSES));
        }
        DiffusersSchedulerConfig result = new DiffusersSchedulerConfig(values, name);
        result.refuseUnsupported();
        return result;
    }

    /** The diffusers class name. */
    public String schedulerClass() {
        return schedulerClass;
    }

    /** What the model predicts ({@code prediction_type}; always {@link Prediction#FLOW} for flow matching). */
    public Prediction prediction() {
        if (isFlowMatch()) {
            return Prediction.FLOW;
        }
        String type = string("prediction_type", "epsilon");
        return switch (type) {
            case "epsilon" -> Prediction.EPSILON;
            case "v_prediction" -> Prediction.V_PREDICTION;
            default -> throw new IllegalArgumentException("scheduler config: prediction_type '" + type
                    + "' is not one of epsilon, v_prediction");
        };
    }

    /** The training noise schedule (betas); not defined for flow matching. */
    public NoiseSchedule trainingSchedule() {
        if (isFlowMatch()) {
            throw new IllegalStateException(schedulerClass + " has no beta schedule");
        }
        int n = integer("num_train_timesteps", 1000);
        double start = number("beta_start", 0.0001);
        double end = number("beta_end", 0.02);
        String schedule = string("beta_schedule", "linear");
        return switch (schedule) {
            case "scaled_linear" -> NoiseSchedule.scaledLinear(n, start, end);
            case "linear" -> NoiseSchedule.linear(n, start, end);
            default -> throw new IllegalArgumentException("scheduler config: beta_schedule '" + schedule
                    + "' is not one of linear, scaled_linear");
        };
    }

    /**
     * The schedule diffusers' {@code set_timesteps(steps)} computes for this config. A dynamically shifted flow
     * schedule takes its {@code mu} from the config (pipelines compute it from the image size, see
     * {@link dev.tessera.sampling.FlowShift#fluxMu}).
     */
    public Schedule schedule(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
        int numTrain = integer("num_train_timesteps", 1000);
        if (isFlowMatch()) {
            if (bool("use_dynamic_shifting", false)) {
                if (values.get("mu") == null) {
                    throw new IllegalArgumentException("scheduler config: use_dynamic_shifting needs 'mu' (the"
                            + " pipeline's calculate_shift of the image token count)");
                }
                return DiffusersSchedulers.flowMatchDynamic(steps, number("mu", 0), numTrain);
            }
            return DiffusersSchedulers.flowMatch(steps, number("shift", 1.0), numTrain);
        }
        NoiseSchedule training = trainingSchedule();
        int offset = integer("steps_offset", 0);
        boolean karras = bool("use_karras_sigmas", false);
        FinalSigma finalSigma = finalSigmasType();
        return switch (schedulerClass) {
            case "DDIMScheduler" -> DiffusersSchedulers.ddim(training, steps, spacing("leading"), offset,
                    bool("set_alpha_to_one", true) ? FinalSigma.ZERO : FinalSigma.SIGMA_MIN);
            case "EulerDiscreteScheduler", "EulerAncestralDiscreteScheduler" ->
                    DiffusersSchedulers.euler(training, steps, spacing("linspace"), offset, karras, finalSigma);
            default -> DiffusersSchedulers.multistep(training, steps, spacing("linspace"), offset, karras, finalSigma);
        };
    }

    /** The sampler of this class with this config's prediction type and solver options. */
    public Sampler sampler() {
        Prediction prediction = prediction();
        return switch (schedulerClass) {
            case "DDIMScheduler" -> Samplers.ddim(prediction);
            case "EulerDiscreteScheduler" -> Samplers.euler(prediction);
            case "EulerAncestralDiscreteScheduler" -> Samplers.eulerAncestral(prediction);
            case "DPMSolverMultistepScheduler" -> Samplers.dpmpp2m(prediction);
            case "UniPCMultistepScheduler" -> Samplers.uniPc(prediction, integer("solver_order", 2),
                    "bh1".equals(string("solver_type", "bh2")) ? UniPcVariant.BH1 : UniPcVariant.BH2);
            default -> Samplers.flowMatchEuler();
        };
    }

    private boolean isFlowMatch() {
        return FLOW_MATCH.equals(schedulerClass);
    }

    private FinalSigma finalSigmasType() {
        String type = string("final_sigmas_type", "zero");
        return switch (type) {
            case "zero" -> FinalSigma.ZERO;
            case "sigma_min" -> FinalSigma.SIGMA_MIN;
            default -> throw new IllegalArgumentException("scheduler config: final_sigmas_type '" + type
                    + "' is not one of zero, sigma_min");
        };
    }

    private TimestepSpacing spacing(String classDefault) {
        String value = string("timestep_spacing", classDefault);
        try {
            return TimestepSpacing.fromConfig(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("scheduler config: " + e.getMessage(), e);
        }
    }

    /** Options whose non-default values change the arithmetic; each must hold the value implemented here. */
    private void refuseUnsupported() {
        require("trained_betas", null);
        require("rescale_betas_zero_snr", false);
        require("thresholding", false);
        require("use_exponential_sigmas", false);
        require("use_beta_sigmas", false);
        switch (schedulerClass) {
            // DDIMScheduler clips x0 to [-1, 1] unless told not to; latents are not in that range.
            case "DDIMScheduler" -> requireWithDefault("clip_sample", false, true);
            case "EulerDiscreteScheduler" -> {
                require("interpolation_type", "linear");
                require("timestep_type", "discrete");
                require("sigma_min", null);
                require("sigma_max", null);
            }
            case "DPMSolverMultistepScheduler" -> {
                require("algorithm_type", "dpmsolver++");
                require("solver_order", 2);
                require("solver_type", "midpoint");
                require("lower_order_final", true);
                require("euler_at_final", false);
                require("use_lu_lambdas", false);
                require("variance_type", null);
            }
            case "UniPCMultistepScheduler" -> {
                require("predict_x0", true);
                require("lower_order_final", true);
                if (values.get("disable_corrector") instanceof Collection<?> c && !c.isEmpty()) {
                    throw unsupported("disable_corrector", c, "[]");
                }
            }
            case FLOW_MATCH -> {
                require("use_karras_sigmas", false);
                require("invert_sigmas", false);
                require("shift_terminal", null);
                require("stochastic_sampling", false);
                require("time_shift_type", "exponential");
            }
            default -> { }
        }
    }

    private void require(String key, Object implemented) {
        requireWithDefault(key, implemented, implemented);
    }

    /** {@code key} must equal {@code implemented}; when absent it has diffusers' {@code classDefault}. */
    private void requireWithDefault(String key, Object implemented, Object classDefault) {
        Object value = values.containsKey(key) ? values.get(key) : classDefault;
        boolean same = value instanceof Number n && implemented instanceof Number m
                ? n.doubleValue() == m.doubleValue() : Objects.equals(value, implemented);
        if (!same) {
            throw unsupported(key, values.containsKey(key) ? value : value + " (diffusers' default)", implemented);
        }
    }

    private IllegalArgumentException unsupported(String key, Object value, Object implemented) {
        return new IllegalArgumentException("scheduler config: " + schedulerClass + " with " + key + "=" + value
                + " is not implemented (only " + key + "=" + implemented + ")");
    }

    private String string(String key, String fallback) {
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof String s) {
            return s;
        }
        throw wrongType(key, v, "a string");
    }

    private boolean bool(String key, boolean fallback) {
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw wrongType(key, v, "true or false");
    }

    private double number(String key, double fallback) {
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw wrongType(key, v, "a number");
    }

    /** JSON parsers may hand integers over as doubles (1000.0); a fractional value is an error. */
    private int integer(String key, int fallback) {
        double d = number(key, fallback);
        if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
            throw wrongType(key, values.get(key), "an integer");
        }
        return (int) d;
    }

    private IllegalArgumentException wrongType(String key, Object value, String expected) {
        return new IllegalArgumentException("scheduler config: " + key + " must be " + expected + ", got " + value);
    }

    @Override
    public String toString() {
        return "DiffusersSchedulerConfig" + values;
    }
}
