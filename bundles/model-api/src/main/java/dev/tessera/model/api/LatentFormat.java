package dev.tessera.model.api;

import ai.djl.ndarray.NDArray;
import java.util.Objects;

/**
 * The latent space of a model family (ComfyUI's {@code latent_formats}): channels, the VAE's spatial downscale,
 * and the affine map between the VAE's latents (what LATENT values hold, as in ComfyUI) and the diffusion model's
 * latents: {@code model = (vae - shift) * scale}.
 *
 * @param family a short family id ({@code sd1}, later {@code sdxl}, {@code sd3}, {@code flux}); latents and VAEs
 *     of different families do not mix
 * @param channels latent channels
 * @param downscale pixels per latent cell along each side
 * @param scalingFactor the VAE scaling factor ({@code 0.18215} for SD1.x)
 * @param shiftFactor the VAE shift factor (0 for SD1.x)
 */
public record LatentFormat(String family, int channels, int downscale, double scalingFactor, double shiftFactor) {

    /** Stable Diffusion 1.x: 4 channels, 8x downscale, scaling 0.18215. */
    public static final LatentFormat SD1 = new LatentFormat("sd1", 4, 8, 0.18215, 0.0);

    /**
     * Stable Diffusion XL: the SD VAE's latent space (4 channels, 8x) with SDXL's scaling 0.13025 (ComfyUI's
     * {@code latent_formats.SDXL}); its own family, since the factor differs.
     */
    public static final LatentFormat SDXL = new LatentFormat("sdxl", 4, 8, 0.13025, 0.0);

    /**
     * The SD VAE's latent space when the model family is not known (1.5): a standalone VAE file of SD's topology
     * (ComfyUI's {@code models/vae}) whose scaling factor no configuration states. SDXL's VAE has SD1.x's shapes, so
     * ComfyUI does not tell them apart either: its VAE never scales, the MODEL's latent format does. Latents of this
     * format go with {@link #SD1} and {@link #SDXL} models and latents alike; the factor here is SD1.x's default and
     * is not used to sample.
     */
    public static final LatentFormat SD_VAE = new LatentFormat("sd", 4, 8, 0.18215, 0.0);

    /**
     * FLUX.1 (and Kontext): 16 channels, 8x downscale, {@code model = (vae - 0.1159) * 0.3611} (the
     * {@code shift_factor} and {@code scaling_factor} of FLUX's vae/config.json, ComfyUI's {@code latent_formats.Flux}).
     */
    public static final LatentFormat FLUX = new LatentFormat("flux", 16, 8, 0.3611, 0.1159);

    /**
     * Stable Diffusion 3 / 3.5: 16 channels, 8x downscale, {@code model = (vae - 0.0609) * 1.5305} (SD3's
     * vae/config.json, ComfyUI's {@code latent_formats.SD3}). Its VAE has FLUX's topology with other weights.
     */
    public static final LatentFormat SD3 = new LatentFormat("sd3", 16, 8, 1.5305, 0.0609);

    public LatentFormat {
        Objects.requireNonNull(family, "family");
        if (family.isBlank()) {
            throw new IllegalArgumentException("latent format: family must not be blank");
        }
        if (channels <= 0 || downscale <= 0) {
            throw new IllegalArgumentException("latent format " + family + ": channels " + channels + " and downscale "
                    + downscale + " must be positive");
        }
        if (!Double.isFinite(scalingFactor) || scalingFactor == 0 || !Double.isFinite(shiftFactor)) {
            throw new IllegalArgumentException("latent format " + family + ": scaling factor " + scalingFactor
                    + " must be finite and non-zero, shift factor " + shiftFactor + " finite");
        }
    }

    /** The same family with another scaling factor (a checkpoint whose VAE configuration says so). */
    public LatentFormat withScalingFactor(double factor) {
        return new LatentFormat(family, channels, downscale, factor, shiftFactor);
    }

    /** VAE latents to the diffusion model's space (ComfyUI's {@code process_in}); a new array. */
    public NDArray toModel(NDArray vaeLatent) {
        NDArray shifted = shiftFactor == 0 ? vaeLatent : vaeLatent.sub((float) shiftFactor);
        return shifted.mul((float) scalingFactor);
    }

    /** Diffusion-model latents back to the VAE's space (ComfyUI's {@code process_out}); a new array. */
    public NDArray toVae(NDArray modelLatent) {
        NDArray scaled = modelLatent.div((float) scalingFactor);
        return shiftFactor == 0 ? scaled : scaled.add((float) shiftFactor);
    }

    /**
     * Whether latents of {@code other} can be read as latents of this format: same channels and family, or one of
     * them is {@link #SD_VAE}'s and the other {@code sd1} or {@code sdxl} (symmetric).
     */
    public boolean compatibleWith(LatentFormat other) {
        return other != null && channels == other.channels
                && (family.equals(other.family) || sdVaeSpace(this, other) || sdVaeSpace(other, this));
    }

    private static boolean sdVaeSpace(LatentFormat open, LatentFormat known) {
        return open.family.equals(SD_VAE.family)
                && (known.family.equals(SD1.family) || known.family.equals(SDXL.family));
    }

    /** For messages: {@code sd1 (4 channels)}. */
    public String describe() {
        return family + " (" + channels + " channels)";
    }
}
