package dev.tessera.sampling;

import dev.tessera.sampling.internal.NumpyCompat;

/**
 * The training noise schedule of a discrete-time diffusion model: betas, cumulative alphas and the sigmas
 * {@code sqrt((1 - alphā) / alphā)} per training timestep, computed as diffusers does in float32 (betas from
 * {@code torch.linspace(..., dtype=float32)}, a cumulative product accumulated in float64 and stored in float32).
 * Immutable.
 */
public final class NoiseSchedule {

    private final float[] alphasCumprod;
    private final float[] sigmas;
    private final float[] logSigmas;

    private NoiseSchedule(float[] betas) {
        int n = betas.length;
        alphasCumprod = new float[n];
        sigmas = new float[n];
        logSigmas = new float[n];
        double product = 1.0;
        for (int i = 0; i < n; i++) {
            // torch.cumprod on CPU accumulates float32 inputs in double and stores each partial product as float.
            product *= (float) (1.0f - betas[i]);
            alphasCumprod[i] = (float) product;
            float ratio = (1.0f - alphasCumprod[i]) / alphasCumprod[i];
            sigmas[i] = (float) Math.sqrt(ratio);
            logSigmas[i] = (float) Math.log(sigmas[i]);
        }
    }

    /** diffusers' {@code beta_schedule="scaled_linear"}: betas linear in sqrt(beta), as SD1.x and SDXL train. */
    public static NoiseSchedule scaledLinear(int numTrainTimesteps, double betaStart, double betaEnd) {
        requireValid(numTrainTimesteps, betaStart, betaEnd);
        float[] roots = NumpyCompat.torchLinspaceFloat(
                (float) Math.pow(betaStart, 0.5), (float) Math.pow(betaEnd, 0.5), numTrainTimesteps);
        float[] betas = new float[numTrainTimesteps];
        for (int i = 0; i < numTrainTimesteps; i++) {
            betas[i] = roots[i] * roots[i];
        }
        return new NoiseSchedule(betas);
    }

    /** diffusers' {@code beta_schedule="linear"}. */
    public static NoiseSchedule linear(int numTrainTimesteps, double betaStart, double betaEnd) {
        requireValid(numTrainTimesteps, betaStart, betaEnd);
        return new NoiseSchedule(NumpyCompat.torchLinspaceFloat((float) betaStart, (float) betaEnd, numTrainTimesteps));
    }

    /** The schedule of Stable Diffusion 1.x/2.x and SDXL: scaled_linear, 1000 steps, betas 0.00085 to 0.012. */
    public static NoiseSchedule stableDiffusion() {
        return scaledLinear(1000, 0.00085, 0.012);
    }

    private static void requireValid(int numTrainTimesteps, double betaStart, double betaEnd) {
        if (numTrainTimesteps < 2) {
            throw new IllegalArgumentException("num_train_timesteps must be at least 2, got " + numTrainTimesteps);
        }
        if (!(betaStart > 0 && betaEnd > 0 && betaStart < 1 && betaEnd < 1)) {
            throw new IllegalArgumentException(
                    "beta_start and beta_end must lie in (0, 1), got " + betaStart + " and " + betaEnd);
        }
    }

    /** Number of training timesteps (diffusers' {@code num_train_timesteps}). */
    public int numTrainTimesteps() {
        return sigmas.length;
    }

    /** alphā at an integer training timestep, as float32. */
    public float alphaCumprod(int timestep) {
        return alphasCumprod[checkIndex(timestep)];
    }

    /** sigma at an integer training timestep, as float32. */
    public float sigma(int timestep) {
        return sigmas[checkIndex(timestep)];
    }

    /** Smallest training sigma (timestep 0). */
    public double sigmaMin() {
        return sigmas[0];
    }

    /** Largest training sigma (the last timestep). */
    public double sigmaMax() {
        return sigmas[sigmas.length - 1];
    }

    /** A copy of the training sigmas, ascending with the timestep. */
    public float[] sigmas() {
        return sigmas.clone();
    }

    /** sigma at a fractional timestep by linear interpolation ({@code np.interp}), as diffusers' schedulers do. */
    public double sigmaAt(double timestep) {
        return NumpyCompat.interpAtIndex(timestep, sigmas);
    }

    /**
     * The fractional timestep of {@code sigma}: linear interpolation in log sigma between the two neighbouring
     * training sigmas (diffusers' {@code _sigma_to_t}), clamped to the training range.
     */
    public double timestepOf(double sigma) {
        double logSigma = Math.log(Math.max(sigma, 1e-10));
        int low = 0;
        for (int i = 0; i < logSigmas.length; i++) {
            if (logSigma - logSigmas[i] >= 0) {
                low = i;
            } else {
                break;
            }
        }
        low = Math.min(low, logSigmas.length - 2);
        int high = low + 1;
        float lowLog = logSigmas[low];
        float highLog = logSigmas[high];
        // diffusers subtracts the two float32 log sigmas in float32.
        double w = (lowLog - logSigma) / (double) (lowLog - highLog);
        w = Math.max(0, Math.min(1, w));
        return (1 - w) * low + w * high;
    }

    /**
     * The nearest integer training timestep of {@code sigma} by distance in log sigma, as ComfyUI feeds discrete
     * models ({@code ModelSamplingDiscrete.timestep}).
     */
    public int nearestTimestep(double sigma) {
        double logSigma = Math.log(sigma);
        int best = 0;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int i = 0; i < logSigmas.length; i++) {
            double d = Math.abs(logSigma - logSigmas[i]);
            if (d < bestDistance) {
                bestDistance = d;
                best = i;
            }
        }
        return best;
    }

    /** sigma at a fractional timestep by linear interpolation in log sigma (ComfyUI's {@code sigma(t)}). */
    public double sigmaAtLogLinear(double timestep) {
        double t = Math.max(0, Math.min(sigmas.length - 1, timestep));
        int low = (int) Math.floor(t);
        int high = (int) Math.ceil(t);
        double w = t - low;
        return Math.exp((1 - w) * logSigmas[low] + w * logSigmas[high]);
    }

    private int checkIndex(int timestep) {
        if (timestep < 0 || timestep >= sigmas.length) {
            throw new IllegalArgumentException(
                    "timestep " + timestep + " outside the training schedule [0, " + (sigmas.length - 1) + "]");
        }
        return timestep;
    }
}
