package dev.tessera.diffusion.nodes.internal.nodes;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tessera.diffusion.nodes.internal.ComfySampling;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputFailures;
import dev.tessera.graph.api.InputProblem;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.ValueType;
import dev.tessera.graph.api.Widget;
import dev.tessera.model.api.DiffusionModel;
import dev.tessera.model.api.Latent;
import dev.tessera.model.api.LatentFormat;
import dev.tessera.sampling.Samplers;
import dev.tessera.sampling.SamplingException;
import dev.tessera.sampling.StepCallback;
import dev.tessera.sampling.comfy.ComfySchedulers;
import dev.tessera.tensor.TensorRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * What the sampling nodes share (KSampler, KSamplerAdvanced and the custom-sampling family): their common inputs,
 * checks before compute, and the sampling run with progress and interrupt.
 */
final class SamplerNodes {

    /** Inputs whose names a refusal of the math may start with. */
    private static final List<String> NAMED = List.of("positive", "negative", "cfg", "sampler_name", "scheduler",
            "steps", "denoise", "latent_image");

    /** The custom-sampling family's value types, as ComfyUI names them. */
    static final ValueType SAMPLER = ValueType.of("SAMPLER");
    static final ValueType SIGMAS = ValueType.of("SIGMAS");
    static final ValueType NOISE = ValueType.of("NOISE");
    static final ValueType GUIDER = ValueType.of("GUIDER");

    private SamplerNodes() {}

    /**
     * The run a custom-sampling node's values make, a refusal naming the input its message starts with
     * ({@code sampler: ...}, {@code sigmas: ...}).
     */
    static ComfySampling.Run custom(Supplier<ComfySampling.Run> run, List<String> named) {
        try {
            return run.get();
        } catch (IllegalArgumentException e) {
            throw InputFailures.invalid(e, named, named.get(0));
        }
    }

    static InputSpec model() {
        return InputSpec.link("model", ValueType.MODEL).withTooltip("The model used for denoising the input latent.");
    }

    static InputSpec seed(String name) {
        // ComfyUI's range, 0 to 0xffffffffffffffff; the sampler gets the long with those 64 bits.
        return InputSpec.integer(name, 0, 0, Widget.IntWidget.UNSIGNED_MAX, 1)
                .withTooltip("The random seed used for creating the noise.");
    }

    static InputSpec steps() {
        return InputSpec.integer("steps", 20, 1, 10000, 1)
                .withTooltip("The number of steps used in the denoising process.");
    }

    static InputSpec cfg() {
        return InputSpec.decimal("cfg", 8.0, 0.0, 100.0, 0.1, 0.01).withTooltip("The Classifier-Free Guidance scale"
                + " balances creativity and adherence to the prompt. Higher values result in images more closely"
                + " matching the prompt however too high values will negatively impact quality.");
    }

    static InputSpec samplerName() {
        return InputSpec.combo("sampler_name", Samplers.NAMES)
                .withTooltip("The algorithm used when sampling, this can affect the quality, speed, and style of the"
                        + " generated output.");
    }

    static InputSpec scheduler() {
        return InputSpec.combo("scheduler", ComfySchedulers.NAMES)
                .withTooltip("The scheduler controls how noise is gradually removed to form the image.");
    }

    static InputSpec positive() {
        return InputSpec.link("positive", ValueType.CONDITIONING).withTooltip(
                "The conditioning describing the attributes you want to include in the image.");
    }

    static InputSpec negative() {
        return InputSpec.link("negative", ValueType.CONDITIONING).withTooltip(
                "The conditioning describing the attributes you want to exclude from the image.");
    }

    static InputSpec latentImage() {
        return InputSpec.link("latent_image", ValueType.LATENT).withTooltip("The latent image to denoise.");
    }

    /** The checks of widget values the host cannot make: a cfg that is not a number. */
    static List<InputProblem> validate(NodeInputs widgetValues) {
        List<InputProblem> problems = new ArrayList<>();
        if (widgetValues.has("cfg") && !Double.isFinite(widgetValues.getFloat("cfg"))) {
            problems.add(InputProblem.of("cfg", "cfg is " + widgetValues.getFloat("cfg") + "; expected a finite number"
                    + " (the guidance scale, typically 1 to 15)"));
        }
        return problems;
    }

    /**
     * Checks everything that can be checked before compute, samples, and returns the LATENT.
     *
     * @throws NodeException naming the input for bad values, or for a latent that turned NaN (naming the step)
     */
    static NodeResult run(TensorRuntime tensors, ExecutionContext context, Latent latent,
            ComfySampling.Request request) {
        finiteCfg(request.cfg());
        if (request.steps() < 1) {
            throw NodeException.invalidInput("steps", "steps is " + request.steps() + "; at least 1 step is needed");
        }
        checkFamily(request.model(), latent);
        ComfySampling.Run run;
        try {
            run = new ComfySampling.Run(request.model(), request.positive(), request.negative(), request.cfg(),
                    ComfySampling.sampler(request), ComfySampling.schedule(request, latent.samples().getShape()),
                    request.seed(), request.addNoise());
        } catch (IllegalArgumentException e) {
            throw InputFailures.invalid(e, NAMED, "model");
        }
        return NodeResult.of(sample(tensors, context, latent, run, false, NAMED, "model").get(0));
    }

    /**
     * Runs {@code run} over {@code latent} with the node's progress and interrupt, and returns the LATENT (and with
     * {@code withDenoised} the last clean estimate as a second LATENT, the same object when no step ran); both
     * keep the latent's noise mask and batch_index, as in ComfyUI, so a second sampler respects them too.
     *
     * @param named inputs a refusal of the math may name; others are about {@code fallback}
     */
    static List<Latent> sample(TensorRuntime tensors, ExecutionContext context, Latent latent,
            ComfySampling.Run run, boolean withDenoised, List<String> named, String fallback) {
        context.checkInterrupted();
        StepCallback progress = step -> {
            context.checkInterrupted();
            context.progress(step.step() + 1, step.total());
        };
        LatentFormat format = run.model().latentFormat();
        NDManager owner = tensors.newManager(context.nodeId() + " LATENT");
        try (NDManager scratch = tensors.runManager(context.scope()).newSubManager()) {
            NDArray mask = latent.noiseMask().orElse(null);
            long[] batchIndex = latent.batchIndex().orElse(null);
            ComfySampling.Sampled sampled = ComfySampling.sample(run, latent.samples(), batchIndex, mask, scratch,
                    progress);
            Latent out = Latent.owning(owner, sampled.samples(), mask == null ? null : mask.duplicate(), format,
                    batchIndex);
            if (!withDenoised) {
                return List.of(out);
            }
            if (sampled.denoised() == sampled.samples()) {
                return List.of(out, out);
            }
            return List.of(out, Latent.owning(tensors.newManager(context.nodeId() + " denoised_output"),
                    sampled.denoised(), mask == null ? null : mask.duplicate(), format, batchIndex));
        } catch (SamplingException e) {
            owner.close();
            throw new NodeException("execution_error", null, e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            owner.close();
            throw InputFailures.invalid(e, named, fallback);
        } catch (RuntimeException e) {
            owner.close();
            throw e;
        }
    }

    /**
     * {@code cfg}, refused naming the input when it is not a number.
     *
     * @throws NodeException about {@code cfg}
     */
    static double finiteCfg(double cfg) {
        if (!Double.isFinite(cfg)) {
            throw NodeException.invalidInput("cfg", "cfg is " + cfg + "; expected a finite number");
        }
        return cfg;
    }

    /** A latent of another family than the model's (another channel count or latent format) is refused. */
    static void checkFamily(DiffusionModel model, Latent latent) {
        LatentFormat format = model.latentFormat();
        if (latent.channels() != format.channels()
                || latent.format().map(f -> !f.compatibleWith(format)).orElse(false)) {
            throw NodeException.invalidInput("latent_image", "a " + latent.describe() + " latent cannot be sampled by"
                    + " a " + format.describe() + " model; make the latent with this model's family (EmptyLatentImage"
                    + " or VAEEncode with its VAE)");
        }
    }
}
