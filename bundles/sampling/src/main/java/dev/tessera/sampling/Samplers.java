package dev.tessera.sampling;

import dev.tessera.sampling.internal.DdimSampler;
import dev.tessera.sampling.internal.DpmSolverPlusPlus2M;
import dev.tessera.sampling.internal.EulerSampler;
import dev.tessera.sampling.internal.UniPcSampler;
import java.util.List;
import java.util.Locale;

/** The samplers, by algorithm and by ComfyUI's {@code sampler_name}. */
public final class Samplers {

    /** The {@code sampler_name} values {@link #named} accepts. */
    public static final List<String> NAMES =
            List.of("euler", "euler_ancestral", "ddim", "dpmpp_2m", "uni_pc", "uni_pc_bh2");

    /**
     * The names that also sample flow models ({@link Prediction#FLOW} on flow schedules), with rectified flow's
     * {@code x = (1 - s) x0 + s eps} as the noise level (diffusers' {@code use_flow_sigmas}).
     */
    public static final List<String> FLOW_NAMES = List.of("euler", "ddim", "dpmpp_2m");

    private Samplers() {}

    /** Euler (diffusers' {@code EulerDiscreteScheduler}); with {@link Prediction#FLOW} flow-match Euler. */
    public static Sampler euler(Prediction prediction) {
        return new EulerSampler(prediction, false);
    }

    /** Euler ancestral, eta 1 ({@code EulerAncestralDiscreteScheduler}); draws one noise per step. */
    public static Sampler eulerAncestral(Prediction prediction) {
        return new EulerSampler(prediction, true);
    }

    /**
     * Euler ancestral with k-diffusion's {@code eta} (share of the step re-injected as fresh noise; 0 is Euler) and
     * {@code s_noise} (scale of that noise), as ComfyUI's SamplerEulerAncestral.
     *
     * @throws IllegalArgumentException for a negative or non-finite value
     */
    public static Sampler eulerAncestral(Prediction prediction, double eta, double sNoise) {
        return new EulerSampler(prediction, true, eta, sNoise);
    }

    /** Deterministic DDIM, eta 0 ({@code DDIMScheduler}); on flow schedules the same step with flow levels. */
    public static Sampler ddim(Prediction prediction) {
        return new DdimSampler(prediction);
    }

    /**
     * DPM-Solver++(2M) ({@code DPMSolverMultistepScheduler}, dpmsolver++, order 2); on flow schedules with
     * {@code flow_prediction} and flow levels, as diffusers' {@code use_flow_sigmas}.
     */
    public static Sampler dpmpp2m(Prediction prediction) {
        return new DpmSolverPlusPlus2M(prediction);
    }

    /** UniPC ({@code UniPCMultistepScheduler}); diffusers' default is order 2, {@link UniPcVariant#BH2}. */
    public static Sampler uniPc(Prediction prediction, int order, UniPcVariant variant) {
        return new UniPcSampler(prediction, order, variant);
    }

    /** Euler on a rectified-flow schedule ({@code FlowMatchEulerDiscreteScheduler}), for SD3 and FLUX. */
    public static Sampler flowMatchEuler() {
        return new EulerSampler(Prediction.FLOW, false);
    }

    /**
     * The sampler ComfyUI calls {@code samplerName}. UniPC runs at order 2 (diffusers' default);
     * {@code uni_pc} is variant bh1 and {@code uni_pc_bh2} variant bh2, as in ComfyUI.
     *
     * @throws IllegalArgumentException naming the accepted values when the name is unknown, or saying so when the
     *     sampler does not run flow models
     */
    public static Sampler named(String samplerName, Prediction prediction) {
        String name = samplerName == null ? "" : samplerName.toLowerCase(Locale.ROOT);
        if (prediction == Prediction.FLOW && !FLOW_NAMES.contains(name) && NAMES.contains(name)) {
            // Ancestral noise and UniPC's corrector are written for diffusion levels only.
            throw new IllegalArgumentException("sampler_name '" + samplerName + "' samples diffusion models; flow"
                    + " models (FLUX, SD3) sample with " + String.join(", ", FLOW_NAMES));
        }
        return switch (name) {
            case "euler" -> euler(prediction);
            case "euler_ancestral" -> eulerAncestral(prediction);
            case "ddim" -> ddim(prediction);
            case "dpmpp_2m" -> dpmpp2m(prediction);
            case "uni_pc" -> uniPc(prediction, 2, UniPcVariant.BH1);
            case "uni_pc_bh2" -> uniPc(prediction, 2, UniPcVariant.BH2);
            default -> throw new IllegalArgumentException(
                    "sampler_name '" + samplerName + "' is not one of " + String.join(", ", NAMES));
        };
    }
}
