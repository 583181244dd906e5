package dev.tessera.sampling;

/**
 * The time shift of a rectified-flow model, ComfyUI's {@code ModelSamplingFlux} and {@code ModelSamplingDiscreteFlow}:
 * a training time {@code t} in (0, 1] maps to the noise level {@code sigma(t)}. FLUX shifts exponentially by
 * {@code mu} (which its pipeline derives from the image token count, {@link #fluxForTokens}); SD3 shifts linearly by
 * a fixed {@code shift} (3.0). The model's sigma table holds {@code sigma(i / tableSize)} for {@code i = 1..tableSize}
 * (10000 entries for FLUX, 1000 for SD3, as ComfyUI), which is what ComfyUI's schedulers pick from.
 *
 * @param kind how the time is shifted
 * @param shift {@code mu} for {@link Kind#EXPONENTIAL}, the shift factor for {@link Kind#LINEAR}
 * @param tableSize entries of the model's sigma table
 */
public record FlowShift(Kind kind, double shift, int tableSize) {

    /** The shape of the time shift. */
    public enum Kind {
        /** FLUX: {@code e^mu / (e^mu + (1/t - 1))}. */
        EXPONENTIAL,
        /** SD3: {@code shift * t / (1 + (shift - 1) * t)}. */
        LINEAR
    }

    public FlowShift {
        if (kind == null) {
            throw new IllegalArgumentException("flow shift kind is required");
        }
        if (!Double.isFinite(shift) || (kind == Kind.LINEAR && shift <= 0)) {
            throw new IllegalArgumentException("flow shift must be finite" + (kind == Kind.LINEAR ? " and positive"
                    : "") + ", got " + shift);
        }
        if (tableSize < 2) {
            throw new IllegalArgumentException("a flow sigma table needs at least 2 entries, got " + tableSize);
        }
    }

    /** FLUX's shift {@code mu} over ComfyUI's 10000-entry table. */
    public static FlowShift flux(double mu) {
        return new FlowShift(Kind.EXPONENTIAL, mu, 10000);
    }

    /**
     * FLUX's resolution-dependent shift for {@code imageTokens} packed 2x2 latent tokens ({@link #fluxMu}),
     * what diffusers' FLUX pipelines and ComfyUI's ModelSamplingFlux node compute from the image size.
     */
    public static FlowShift fluxForTokens(int imageTokens) {
        return flux(fluxMu(imageTokens));
    }

    /**
     * The FLUX pipeline's {@code calculate_shift}: mu linear in the number of image tokens, from
     * {@code baseShift} at {@code baseSeqLen} tokens to {@code maxShift} at {@code maxSeqLen}.
     */
    public static double calculateShift(int imageSeqLen, int baseSeqLen, int maxSeqLen, double baseShift,
            double maxShift) {
        if (imageSeqLen <= 0 || maxSeqLen <= baseSeqLen) {
            throw new IllegalArgumentException("image_seq_len must be positive and max_image_seq_len above"
                    + " base_image_seq_len, got " + imageSeqLen + ", " + baseSeqLen + ", " + maxSeqLen);
        }
        double m = (maxShift - baseShift) / (maxSeqLen - baseSeqLen);
        double b = baseShift - m * baseSeqLen;
        return imageSeqLen * m + b;
    }

    /**
     * FLUX's mu with the scheduler defaults (256 to 4096 tokens, shift 0.5 to 1.15); {@code imageSeqLen} is the
     * number of packed 2x2 latent tokens, {@code (height / 16) * (width / 16)} for an image in pixels.
     */
    public static double fluxMu(int imageSeqLen) {
        return calculateShift(imageSeqLen, 256, 4096, 0.5, 1.15);
    }

    /** SD3's fixed linear shift (3.0 for SD3 medium) over ComfyUI's 1000-entry table. */
    public static FlowShift linear(double shift) {
        return new FlowShift(Kind.LINEAR, shift, 1000);
    }

    /** The noise level at training time {@code t} in [0, 1], in float32 as torch computes ComfyUI's table. */
    public double sigma(double t) {
        float time = (float) t;
        if (kind == Kind.EXPONENTIAL) {
            if (time <= 0) {
                return 0;
            }
            float e = (float) Math.exp(shift);
            return e / (e + (1.0f / time - 1.0f));
        }
        float s = (float) shift;
        return s * time / (1.0f + (s - 1.0f) * time);
    }

    /** Entry {@code i} (0-based) of the model's sigma table, {@code sigma((i + 1) / tableSize)}. */
    public double tableSigma(int i) {
        return sigma((float) (i + 1) / (float) tableSize);
    }

    /** The smallest sigma of the table. */
    public double sigmaMin() {
        return tableSigma(0);
    }

    /** The largest sigma of the table, 1. */
    public double sigmaMax() {
        return tableSigma(tableSize - 1);
    }
}
