package dev.tessera.diffusion.nodes.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.image.CropMode;
import dev.tessera.image.ImageResizer;
import dev.tessera.image.ResizeMethod;
import dev.tessera.model.api.BoundDenoiser;
import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.DiffusionModel;
import dev.tessera.model.api.LatentFormat;
import dev.tessera.sampling.NoiseSource;
import dev.tessera.sampling.Prediction;
import dev.tessera.sampling.Sampler;
import dev.tessera.sampling.Samplers;
import dev.tessera.sampling.Schedule;
import dev.tessera.sampling.StepCallback;
import dev.tessera.sampling.comfy.ComfySchedulers;
import java.util.Arrays;

/**
 * ComfyUI's {@code common_ksampler} as plain Java over a MODEL handle: the schedule named {@code scheduler} for
 * {@code steps} (and {@code denoise}), cut to {@code [startStep, lastStep]}; the latent moved into the model's
 * space; seeded noise added at the first sigma ({@code sqrt(1 + sigma^2)} times when the schedule starts at the
 * model's largest sigma, ComfyUI's {@code max_denoise}; {@code sigma * noise + (1 - sigma) * latent} for flow models);
 * the sampler over the guided model; the result moved back to the VAE's space. KSampler's request and the
 * custom-sampling nodes' values both come down to one {@link Run}. Latents are float32 on the model's device whatever
 * dtype the model computes in.
 */
public final class ComfySampling {

    /**
     * One sampling request.
     *
     * @param addNoise false for KSamplerAdvanced's {@code add_noise: disable} (the latent is already noisy)
     * @param startStep first step to run (0 for all)
     * @param lastStep step to stop before ({@code Integer.MAX_VALUE} for all)
     * @param forceFullDenoise end at sigma 0 even when {@code lastStep} cuts the schedule short
     */
    public record Request(DiffusionModel model, long seed, boolean addNoise, int steps, double cfg, String samplerName,
            String scheduler, Conditioning positive, Conditioning negative, double denoise, int startStep,
            int lastStep, boolean forceFullDenoise) {

        /** KSampler's request: every step, ending at sigma 0. */
        public static Request simple(DiffusionModel model, long seed, int steps, double cfg, String samplerName,
                String scheduler, Conditioning positive, Conditioning negative, double denoise) {
            return new Request(model, seed, true, steps, cfg, samplerName, scheduler, positive, negative, denoise, 0,
                    Integer.MAX_VALUE, true);
        }
    }

    private ComfySampling() {}

    /**
     * The sampler the request names, for the model's prediction type.
     *
     * @throws IllegalArgumentException naming the accepted names
     */
    public static Sampler sampler(Request request) {
        return Samplers.named(request.samplerName(), request.model().prediction());
    }

    /**
     * ComfyUI's {@code calculate_sigmas} as KSampler and BasicScheduler call it: the schedule named
     * {@code scheduler} for {@code steps} steps of the model's sigmas (with {@code denoise < 1} the last {@code steps}
     * of {@code steps / denoise}), for a latent of {@code latentShape}; null when denoise is 0 (nothing runs). Flow
     * models (FLUX) take their sigmas from their time shift for the latent's size, as ComfyUI's ModelSamplingFlux
     * node sets it.
     *
     * @throws IllegalArgumentException naming the accepted schedulers, or for steps below 1
     */
    public static Schedule schedule(DiffusionModel model, String scheduler, int steps, double denoise,
            Shape latentShape) {
        if (denoise <= 0) {
            return null;
        }
        return model.prediction() == Prediction.FLOW
                ? ComfySchedulers.named(scheduler, model.flowShift(latentShape.get(latentShape.dimension() - 2),
                        latentShape.get(latentShape.dimension() - 1)), steps, denoise)
                : ComfySchedulers.named(scheduler, model.noiseSchedule(), steps, denoise);
    }

    /**
     * The steps that will run for a latent of {@code latentShape} ({@code [B, C, h, w]}), or null when none will
     * (denoise 0, or a start at or after the end): ComfyUI's {@code calculate_sigmas} and the cuts of
     * {@code KSampler.sample}.
     */
    public static Schedule schedule(Request request, Shape latentShape) {
        Schedule full = schedule(request.model(), request.scheduler(), request.steps(), request.denoise(),
                latentShape);
        if (full == null) {
            return null;
        }
        double[] sigmas = full.sigmas();
        double[] timesteps = full.timesteps();
        boolean inflated = full.inflatedInitialNoise();
        if (request.lastStep() < timesteps.length) {
            sigmas = Arrays.copyOf(sigmas, request.lastStep() + 1);
            timesteps = Arrays.copyOf(timesteps, request.lastStep());
            if (request.forceFullDenoise()) {
                sigmas[sigmas.length - 1] = 0;
            }
        }
        int start = request.startStep();
        if (start >= timesteps.length) {
            return null;
        }
        if (start > 0) {
            sigmas = Arrays.copyOfRange(sigmas, start, sigmas.length);
            timesteps = Arrays.copyOfRange(timesteps, start, timesteps.length);
            inflated = false;
        }
        return new Schedule(full.kind(), timesteps, sigmas, inflated);
    }

    /**
     * Samples from {@code latent} (VAE space, {@code [B, C, h, w]}); returns the result in VAE space as float32 on
     * {@code manager}. The latent itself is left untouched.
     *
     * @throws IllegalArgumentException for a request the model or sampler cannot run (unknown names, conditioning
     *     of another width)
     * @throws dev.tessera.sampling.SamplingException when the latent turns NaN or infinite, naming the step
     */
    public static NDArray sample(Request request, NDArray latent, NDManager manager, StepCallback callback) {
        return sample(request, latent, null, manager, callback);
    }

    /**
     * {@link #sample(Request, NDArray, NDManager, StepCallback)} with a noise mask (inpainting): {@code noiseMask}
     * {@code [B or 1, H, W]} at any resolution, resized bilinearly to the latent, 1 where the sampler may change the
     * latent and 0 where the latent is kept (ComfyUI's {@code denoise_mask}); null for none.
     */
    public static NDArray sample(Request request, NDArray latent, NDArray noiseMask, NDManager manager,
            StepCallback callback) {
        Run run = new Run(request.model(), request.positive(), request.negative(), request.cfg(), sampler(request),
                schedule(request, latent.getShape()), request.seed(), request.addNoise());
        Sampled out = sample(run, latent, noiseMask, manager, callback);
        if (out.denoised() != out.samples()) {
            out.denoised().close();
        }
        return out.samples();
    }

    /**
     * One sampling run as every sampling node resolves its inputs (KSampler's names and cuts, or the custom-sampling
     * family's NOISE, GUIDER, SAMPLER and SIGMAS): ComfyUI's {@code CFGGuider.sample}.
     *
     * @param positive the guider's positive side (BasicGuider's conditioning)
     * @param negative the negative side; null with {@code cfg} 1, where it is never evaluated
     * @param schedule the steps to run, null for none (the latent comes back unchanged)
     * @param seed seeds the initial noise and the ancestral samplers' noise
     * @param addNoise false for zero initial noise (the latent is already noisy)
     * @param guidance the guided model for a guider other than CFG (DualCFGGuider), made in the run's manager; null
     *     for {@code model.guided(positive, negative, cfg)}
     */
    public record Run(DiffusionModel model, Conditioning positive, Conditioning negative, double cfg, Sampler sampler,
            Schedule schedule, long seed, boolean addNoise,
            java.util.function.Function<NDManager, BoundDenoiser> guidance) {

        public Run(DiffusionModel model, Conditioning positive, Conditioning negative, double cfg, Sampler sampler,
                Schedule schedule, long seed, boolean addNoise) {
            this(model, positive, negative, cfg, sampler, schedule, seed, addNoise, null);
        }
    }

    /**
     * A run's result in VAE space: the sampled latent and the model's clean estimate at the last step (ComfyUI's
     * {@code denoised_output}, its {@code x0_output}); the same array when no step ran.
     */
    public record Sampled(NDArray samples, NDArray denoised) {}

    /**
     * Samples from {@code latent} (VAE space, {@code [B, C, h, w]}) with an optional noise mask (see
     * {@link #sample(Request, NDArray, NDArray, NDManager, StepCallback)}); returns float32 arrays on
     * {@code manager}. The latent itself is left untouched.
     *
     * @throws IllegalArgumentException for a run the model or sampler cannot do (conditioning of another width, a
     *     sampler refusing the schedule)
     * @throws dev.tessera.sampling.SamplingException when the latent turns NaN or infinite, naming the step
     */
    public static Sampled sample(Run run, NDArray latent, NDArray noiseMask, NDManager manager,
            StepCallback callback) {
        return sample(run, latent, null, noiseMask, manager, callback);
    }

    /**
     * {@link #sample(Run, NDArray, NDArray, NDManager, StepCallback)} for a latent whose entries came from a larger
     * batch: {@code batchIndex} (ComfyUI's {@code batch_index}, null for none) gives each entry the initial noise it
     * had in that batch, as ComfyUI's {@code prepare_noise}.
     */
    public static Sampled sample(Run run, NDArray latent, long[] batchIndex, NDArray noiseMask, NDManager manager,
            StepCallback callback) {
        Sampler sampler = run.sampler();
        Schedule schedule = run.schedule();
        if (schedule == null) {
            // A real copy (toType(t, true) is an alias when nothing changes): the result outlives the input.
            NDArray copy = latent.toType(DataType.FLOAT32, false).toDevice(manager.getDevice(), false).duplicate();
            copy.attach(manager);
            return new Sampled(copy, copy);
        }
        LatentFormat format = run.model().latentFormat();
        NoiseSource noise = batchIndex == null ? NoiseSource.seeded(run.seed())
                : NoiseSource.seeded(run.seed(), batchIndex);
        try (NDManager scope = manager.newSubManager()) {
            NDArray clean = format.toModel(onto(latent, scope));
            Shape shape = clean.getShape();
            NDArray drawn = run.addNoise() ? noise.next(scope, shape, DataType.FLOAT32)
                    : scope.zeros(shape, DataType.FLOAT32);
            NDArray x = start(sampler, schedule, clean, drawn);
            NDArray out;
            NDArray[] lastDenoised = new NDArray[1];
            StepCallback keepLast = progress -> {
                if (progress.step() == progress.total() - 1) {
                    // The sampler frees its arrays after the step: keep a copy of the last clean estimate.
                    lastDenoised[0] = progress.denoised().duplicate();
                    lastDenoised[0].attach(scope);
                }
                if (callback != null) {
                    callback.onStep(progress);
                }
            };
            BoundDenoiser guided = run.guidance() != null ? run.guidance().apply(scope)
                    : run.model().guided(run.positive(), run.negative(), run.cfg(), scope);
            try (BoundDenoiser model = noiseMask == null ? guided : new InpaintDenoiser(guided,
                    run.model().prediction(), clean, drawn, denoiseMask(noiseMask, shape, scope))) {
                out = sampler.sample(model, x, schedule, noise, keepLast);
            }
            NDArray result = format.toVae(toVarianceExploding(sampler, schedule, out));
            result.attach(manager);
            NDArray denoised = format.toVae(lastDenoised[0].toType(DataType.FLOAT32, false));
            denoised.attach(manager);
            return new Sampled(result, denoised);
        }
    }

    /**
     * ComfyUI's {@code noise_scaling}: {@code latent + noise * sigma0}, with {@code sqrt(1 + sigma0^2)} in place of
     * {@code sigma0} under {@code max_denoise}, expressed in the sampler's own latent space through its
     * {@code noisedLatent} (which adds {@code noise * sigma0}).
     */
    static NDArray start(Sampler sampler, Schedule schedule, NDArray clean, NDArray noise) {
        double sigma = schedule.sigma(0);
        NDArray scaled = schedule.inflatedInitialNoise() ? noise.mul((float) (Math.sqrt(1 + sigma * sigma) / sigma))
                : noise;
        return sampler.noisedLatent(clean, scaled, schedule);
    }

    /**
     * The sampler's result as {@code x0 + sigma * noise}: samplers in the variance-preserving space (DDIM, DPM-Solver,
     * UniPC) hold {@code (x0 + sigma n) / sqrt(1 + sigma^2)}, which differs when sampling stops at a sigma above 0
     * (KSamplerAdvanced returning leftover noise). The factor is read from the sampler itself.
     */
    private static NDArray toVarianceExploding(Sampler sampler, Schedule schedule, NDArray out) {
        double last = schedule.sigma(schedule.steps());
        if (last == 0) {
            return out;
        }
        NDManager m = out.getManager();
        Schedule atLast = new Schedule(schedule.kind(), new double[] {schedule.timestep(schedule.steps() - 1)},
                new double[] {last, 0}, false);
        try (NDArray one = m.ones(new Shape(1)); NDArray zero = m.zeros(new Shape(1));
                NDArray factor = sampler.noisedLatent(one, zero, atLast)) {
            float scale = factor.getFloat(0);
            return scale == 1f ? out : out.div(scale);
        }
    }

    /**
     * ComfyUI's {@code prepare_mask}: the mask bilinearly resized to the latent's cells ({@code interpolate},
     * align_corners false), the same for every channel, repeated over the batch.
     */
    static NDArray denoiseMask(NDArray noiseMask, Shape latent, NDManager manager) {
        Shape m = noiseMask.getShape();
        if (m.dimension() < 2) {
            throw new IllegalArgumentException("latent_image: the noise mask must be [B, H, W] or [H, W], got " + m);
        }
        long height = m.get(m.dimension() - 2);
        long width = m.get(m.dimension() - 1);
        NDArray masks = onto(noiseMask, manager).reshape(-1, height, width, 1);
        long count = masks.getShape().get(0);
        long batch = latent.get(0);
        if (count != 1 && count != batch) {
            throw new IllegalArgumentException("latent_image: " + count + " noise masks for a batch of " + batch);
        }
        NDArray resized = ImageResizer.resize(masks, (int) latent.get(3), (int) latent.get(2),
                ResizeMethod.BILINEAR, CropMode.DISABLED, manager);
        NDArray perCell = resized.transpose(0, 3, 1, 2);
        return perCell.broadcast(new Shape(batch, latent.get(1), latent.get(2), latent.get(3)));
    }

    /**
     * ComfyUI's AddNoise: {@code latent} (VAE space) noised to {@code scale} by the model's {@code noise_scaling}
     * ({@code latent + scale * noise}, for flow models {@code scale * noise + (1 - scale) * latent}) in model space
     * and moved back; an all-zero latent is not shifted into model space first, as in ComfyUI (it matters for
     * formats with a shift, SD3 and FLUX); NaN and infinities become 0. Float32 on {@code manager}.
     *
     * @param noise the draw, {@code latent}'s shape, or null for none (DisableNoise)
     */
    public static NDArray addNoise(DiffusionModel model, NDArray latent, NDArray noise, double scale,
            NDManager manager) {
        LatentFormat format = model.latentFormat();
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = onto(latent, scope);
            NDArray in = x.countNonzero().getLong() > 0 ? format.toModel(x) : x;
            NDArray drawn = noise == null ? scope.zeros(x.getShape(), DataType.FLOAT32) : onto(noise, scope);
            NDArray noisy = model.prediction() == Prediction.FLOW
                    ? drawn.mul((float) scale).addi(in.mul((float) (1 - scale)))
                    : drawn.mul((float) scale).addi(in);
            NDArray out = format.toVae(noisy);
            NDArray bad = out.isNaN().logicalOr(out.isInfinite());
            NDArray clean = ai.djl.ndarray.NDArrays.where(bad, scope.zeros(out.getShape(), DataType.FLOAT32), out);
            clean.attach(manager);
            return clean;
        }
    }

    private static NDArray onto(NDArray latent, NDManager manager) {
        NDArray copy = latent.toDevice(manager.getDevice(), true);
        copy.attach(manager);
        NDArray f32 = copy.toType(DataType.FLOAT32, false);
        f32.attach(manager);
        return f32;
    }
}
