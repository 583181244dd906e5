package dev.tessera.sampling.internal;

import static dev.tessera.sampling.internal.NumpyCompat.linspace;

/** Karras et al. (2022) noise levels, as diffusers' {@code use_karras_sigmas} and ComfyUI's {@code karras} compute them. */
public final class KarrasSigmas {

    private static final double RHO = 7.0;

    private KarrasSigmas() {}

    /** rho 7, from {@code sigmaMax} down to {@code sigmaMin} in float64. */
    public static double[] of(double sigmaMin, double sigmaMax, int steps) {
        return of(sigmaMin, sigmaMax, steps, RHO);
    }

    /** Exponent {@code rho} (KarrasScheduler's input), from {@code sigmaMax} down to {@code sigmaMin} in float64. */
    public static double[] of(double sigmaMin, double sigmaMax, int steps, double rho) {
        double[] ramp = linspace(0, 1, steps);
        double minInvRho = Math.pow(sigmaMin, 1 / rho);
        double maxInvRho = Math.pow(sigmaMax, 1 / rho);
        double[] sigmas = new double[steps];
        for (int i = 0; i < steps; i++) {
            sigmas[i] = Math.pow(maxInvRho + ramp[i] * (minInvRho - maxInvRho), rho);
        }
        return sigmas;
    }
}
