package dev.tessera.diffusion.nodes.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.model.api.BoundDenoiser;
import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.DiffusionModel;
import dev.tessera.sampling.comfy.ComfySigmas;
import dev.tessera.sampling.NoiseSource;
import dev.tessera.sampling.Prediction;
import dev.tessera.sampling.Sampler;
import dev.tessera.sampling.Samplers;
import dev.tessera.sampling.Schedule;
import java.util.Arrays;
import java.util.Objects;

/**
 * The values of ComfyUI's custom-sampling nodes (SAMPLER, SIGMAS, NOISE, GUIDER) and how SamplerCustomAdvanced
 * combines them into the one {@link ComfySampling.Run} that KSampler also comes down to, so both paths share the
 * schedule, noise and sampling code.
 */
public final class CustomSampling {

    private CustomSampling() {}

    /**
     * SAMPLER: a sampler by ComfyUI's {@code sampler_name}, made for the guider's model when sampling (the same name
     * runs a different parameterisation on a flow model), with k-diffusion's {@code eta} and {@code s_noise} for the
     * ancestral sampler (SamplerEulerAncestral; KSamplerSelect's defaults are 1 and 1).
     */
    public record SamplerChoice(String name, double eta, double sNoise) {

        /**
         * @throws IllegalArgumentException naming the accepted names
         */
        public SamplerChoice {
            if (!Samplers.NAMES.contains(name)) {
                throw new IllegalArgumentException("sampler_name '" + name + "' is not one of "
                        + String.join(", ", Samplers.NAMES));
            }
        }

        /** KSamplerSelect: the sampler with its defaults. */
        public SamplerChoice(String name) {
            this(name, 1.0, 1.0);
        }

        /**
         * The sampler for a model of {@code prediction}.
         *
         * @throws IllegalArgumentException when the sampler does not run such models
         */
        public Sampler make(Prediction prediction) {
            Sampler named = Samplers.named(name, prediction);
            return name.equals("euler_ancestral") ? Samplers.eulerAncestral(prediction, eta, sNoise) : named;
        }
    }

    /**
     * NOISE: RandomNoise's seeded initial noise ({@code torch.manual_seed(seed); randn} on the CPU, as KSampler's),
     * or DisableNoise's zeros (seed 0 then seeds only the ancestral samplers, as ComfyUI's {@code Noise_EmptyNoise}).
     */
    public record Noise(long seed, boolean add) {

        public static Noise random(long seed) {
            return new Noise(seed, true);
        }

        public static Noise disabled() {
            return new Noise(0, false);
        }
    }

    /**
     * GUIDER: the model with its conditioning and guidance. BasicGuider is CFGGuider at cfg 1 without a negative side
     * (ComfyUI's {@code Guider_Basic}; the model then runs the positive side only, as KSampler does at cfg 1).
     * DualCFGGuider brings its own guided model ({@code guidance}, null for CFG).
     */
    public record Guider(DiffusionModel model, Conditioning positive, Conditioning negative, double cfg,
            java.util.function.Function<NDManager, BoundDenoiser> guidance) {

        public Guider {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(positive, "positive");
            if (!Double.isFinite(cfg)) {
                throw new IllegalArgumentException("cfg is " + cfg + "; expected a finite number");
            }
            if (negative == null && cfg != 1.0) {
                throw new IllegalArgumentException("cfg " + cfg + " needs a negative conditioning");
            }
        }

        /** CFGGuider. */
        public Guider(DiffusionModel model, Conditioning positive, Conditioning negative, double cfg) {
            this(model, positive, negative, cfg, null);
        }

        public static Guider basic(DiffusionModel model, Conditioning conditioning) {
            return new Guider(model, conditioning, null, 1.0);
        }

        /**
         * DualCFGGuider: {@code cond1} against {@code cond2} with {@code cfgConds}, {@code cond2} against
         * {@code negative} with {@code cfgCond2Negative} ({@link DualCfgDenoiser}).
         */
        public static Guider dual(DiffusionModel model, Conditioning cond1, Conditioning cond2, Conditioning negative,
                double cfgConds, double cfgCond2Negative, boolean nested) {
            Objects.requireNonNull(cond2, "cond2");
            Objects.requireNonNull(negative, "negative");
            if (!Double.isFinite(cfgCond2Negative)) {
                throw new IllegalArgumentException("cfg_cond2_negative is " + cfgCond2Negative
                        + "; expected a finite number");
            }
            return new Guider(model, cond1, negative, cfgConds, manager -> new DualCfgDenoiser(model, cond1, cond2,
                    negative, cfgConds, cfgCond2Negative, nested, manager));
        }
    }

    /**
     * SIGMAS: the noise levels to sample through. ComfyUI's are a tensor computed at once; here they are resolved
     * against the guider's model and the latent when sampling, because a FLUX model's time shift depends on the
     * latent's size unless ModelSamplingFlux fixes it (KSampler resolves its schedule the same way, so both give the
     * same sigmas), and because the model timestep of a sigma is the model's ({@code model_sampling.timestep}).
     */
    @FunctionalInterface
    public interface Sigmas {

        /**
         * The schedule for {@code model} (the guider's) and a latent of {@code latentShape} ({@code [B, C, h, w]}),
         * null when no step runs.
         *
         * @throws IllegalArgumentException when the sigmas cannot be made for that latent
         */
        Schedule resolve(DiffusionModel model, Shape latentShape);

        /** BasicScheduler: the schedule KSampler would run on {@code model} for these {@code scheduler}, steps, denoise. */
        static Sigmas named(DiffusionModel model, String scheduler, int steps, double denoise) {
            return (guided, shape) -> ComfySampling.schedule(model, scheduler, steps, denoise, shape);
        }

        /**
         * Explicit noise levels (KarrasScheduler, SDTurboScheduler, ...): the last is the level after the last step;
         * the model timesteps are the sampling model's for each sigma.
         */
        static Sigmas values(double[] sigmas) {
            double[] own = sigmas.clone();
            return (model, shape) -> ofValues(model, own, shape);
        }

        /** SplitSigmas' first output, {@code sigmas[:step + 1]}: the first {@code step} steps. */
        default Sigmas high(int step) {
            return (model, shape) -> {
                Schedule all = resolve(model, shape);
                if (all == null || step == 0) {
                    return null;
                }
                if (step >= all.steps()) {
                    return all;
                }
                return new Schedule(all.kind(), Arrays.copyOf(all.timesteps(), step),
                        Arrays.copyOf(all.sigmas(), step + 1), all.inflatedInitialNoise());
            };
        }

        /** SplitSigmas' second output, {@code sigmas[step:]}: the steps from {@code step} on. */
        default Sigmas low(int step) {
            return (model, shape) -> {
                Schedule all = resolve(model, shape);
                return all == null || step >= all.steps() ? null : all.fromStep(step);
            };
        }

        /** FlipSigmas: the levels in reverse order, a first level of 0 made 0.0001 (sampling towards noise). */
        default Sigmas flipped() {
            return (model, shape) -> {
                Schedule all = resolve(model, shape);
                if (all == null) {
                    return null;
                }
                double[] sigmas = all.sigmas();
                double[] flipped = new double[sigmas.length];
                for (int i = 0; i < sigmas.length; i++) {
                    flipped[i] = sigmas[sigmas.length - 1 - i];
                }
                if (flipped[0] == 0) {
                    flipped[0] = 0.0001f;
                }
                return ofValues(model, flipped, shape);
            };
        }

        /** SetFirstSigma: the first level replaced by {@code sigma}. */
        default Sigmas withFirst(double sigma) {
            return (model, shape) -> {
                Schedule all = resolve(model, shape);
                if (all == null) {
                    throw new IllegalArgumentException("SetFirstSigma got no steps to set the first sigma of");
                }
                double[] sigmas = all.sigmas();
                sigmas[0] = (float) sigma;
                return ofValues(model, sigmas, shape);
            };
        }

        /** {@code sigmas} as {@code model} runs them, timesteps and all; null for fewer than two. */
        private static Schedule ofValues(DiffusionModel model, double[] sigmas, Shape shape) {
            return model.prediction() == Prediction.FLOW
                    ? ComfySigmas.schedule(sigmas, model.flowShift(shape.get(shape.dimension() - 2),
                            shape.get(shape.dimension() - 1)))
                    : ComfySigmas.schedule(sigmas, model.noiseSchedule());
        }
    }

    /**
     * AddNoise: {@code latent} (VAE space, {@code [B, C, h, w]}) noised by {@code noise} to the span of
     * {@code sigmas} ({@code |sigmas[0] - sigmas[-1]|}) as the model scales noise; null when the sigmas resolve to
     * no step (ComfyUI returns the latent as it is for no sigmas; a single sigma, which ComfyUI would use as the
     * scale, has no Tessera form).
     *
     * @param batchIndex the latent's batch_index, null for none
     * @throws IllegalArgumentException starting with {@code sigmas: } when the sigmas cannot be made
     */
    public static NDArray addNoise(DiffusionModel model, Noise noise, Sigmas sigmas,
            NDArray latent, long[] batchIndex, NDManager manager) {
        Schedule schedule;
        try {
            schedule = sigmas.resolve(model, latent.getShape());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sigmas: " + e.getMessage(), e);
        }
        if (schedule == null) {
            return null;
        }
        double scale = Math.abs(schedule.sigma(0) - schedule.sigma(schedule.steps()));
        try (NDManager scope = manager.newSubManager()) {
            NDArray drawn = !noise.add() ? null
                    : (batchIndex == null ? NoiseSource.seeded(noise.seed())
                            : NoiseSource.seeded(noise.seed(), batchIndex))
                            .next(scope, latent.getShape(), DataType.FLOAT32);
            return ComfySampling.addNoise(model, latent, drawn, scale, manager);
        }
    }

    /**
     * SamplerCustomAdvanced's run: the guider's model and conditioning, the sampler made for that model, the sigmas
     * resolved for the latent, the noise.
     *
     * @throws IllegalArgumentException starting with the input it is about ({@code sampler} or {@code sigmas})
     */
    public static ComfySampling.Run run(Noise noise, Guider guider, SamplerChoice sampler, Sigmas sigmas,
            Shape latentShape) {
        Sampler made;
        try {
            made = sampler.make(guider.model().prediction());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sampler: " + e.getMessage(), e);
        }
        Schedule schedule;
        try {
            schedule = sigmas.resolve(guider.model(), latentShape);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sigmas: " + e.getMessage(), e);
        }
        boolean flow = guider.model().prediction() == Prediction.FLOW;
        if (schedule != null && (schedule.kind() == Schedule.Kind.FLOW) != flow) {
            throw new IllegalArgumentException("sigmas: these are " + schedule.kind().name().toLowerCase(
                    java.util.Locale.ROOT) + " sigmas, the guider's model samples "
                    + (flow ? "rectified flow" : "diffusion") + "; make them with BasicScheduler on the guider's model");
        }
        return new ComfySampling.Run(guider.model(), guider.positive(), guider.negative(), guider.cfg(), made,
                schedule, noise.seed(), noise.add(), guider.guidance());
    }
}
