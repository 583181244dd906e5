package dev.tessera.sampling.internal;

import static dev.tessera.sampling.internal.NumpyCompat.arange;
import static dev.tessera.sampling.internal.NumpyCompat.linspace;
import static dev.tessera.sampling.internal.NumpyCompat.reverse;
import static dev.tessera.sampling.internal.NumpyCompat.round;
import static dev.tessera.sampling.internal.NumpyCompat.toFloat32;

import dev.tessera.sampling.FinalSigma;
import dev.tessera.sampling.NoiseSchedule;
import dev.tessera.sampling.Schedule;
import dev.tessera.sampling.TimestepSpacing;

/** The {@code set_timesteps} arithmetic of diffusers' schedulers, step for step (see {@code Schedules}). */
public final class DiffusersSchedules {

    private static final double KARRAS_RHO = 7.0;

    private DiffusersSchedules() {}

    public static Schedule euler(NoiseSchedule training, int steps, TimestepSpacing spacing, int stepsOffset,
            boolean karras, FinalSigma finalSigma) {
        int n = training.numTrainTimesteps();
        checkSteps(steps, n);
        double[] timesteps = switch (spacing) {
            case LINSPACE -> toFloat32(reverse(linspace(0, n - 1, steps)));
            case LEADING -> leading(n / steps, steps, stepsOffset);
            case TRAILING -> trailing(n, steps);
        };
        double[] sigmas = new double[steps];
        for (int i = 0; i < steps; i++) {
            sigmas[i] = training.sigmaAt(timesteps[i]);
        }
        if (karras) {
            sigmas = karras(sigmas[steps - 1], sigmas[0], steps);
            for (int i = 0; i < steps; i++) {
                timesteps[i] = training.timestepOf(sigmas[i]);
            }
        }
        checkTimesteps(timesteps, n);
        return new Schedule(Schedule.Kind.DIFFUSION, toFloat32(timesteps),
                toFloat32(withFinal(sigmas, finalSigma, training)), spacing == TimestepSpacing.LEADING);
    }

    public static Schedule multistep(NoiseSchedule training, int steps, TimestepSpacing spacing, int stepsOffset,
            boolean karras, FinalSigma finalSigma) {
        int n = training.numTrainTimesteps();
        checkSteps(steps, n);
        double[] timesteps = switch (spacing) {
            case LINSPACE -> dropLast(reverse(roundAll(linspace(0, n - 1, steps + 1))));
            case LEADING -> dropLast(leading(n / (steps + 1), steps + 1, stepsOffset));
            case TRAILING -> trailing(n, steps);
        };
        double[] sigmas = new double[steps];
        if (karras) {
            sigmas = karras(training.sigmaMin(), training.sigmaMax(), steps);
            for (int i = 0; i < steps; i++) {
                timesteps[i] = round(training.timestepOf(sigmas[i]));
            }
        } else {
            for (int i = 0; i < steps; i++) {
                sigmas[i] = training.sigmaAt(timesteps[i]);
            }
        }
        checkTimesteps(timesteps, n);
        return new Schedule(Schedule.Kind.DIFFUSION, timesteps, toFloat32(withFinal(sigmas, finalSigma, training)),
                false);
    }

    public static Schedule ddim(NoiseSchedule training, int steps, TimestepSpacing spacing, int stepsOffset,
            FinalSigma finalSigma) {
        int n = training.numTrainTimesteps();
        checkSteps(steps, n);
        double[] timesteps = switch (spacing) {
            case LINSPACE -> reverse(roundAll(linspace(0, n - 1, steps)));
            case LEADING -> leading(n / steps, steps, stepsOffset);
            case TRAILING -> trailing(n, steps);
        };
        checkTimesteps(timesteps, n);
        double[] sigmas = new double[steps];
        for (int i = 0; i < steps; i++) {
            sigmas[i] = training.sigma((int) timesteps[i]);
        }
        return new Schedule(Schedule.Kind.DIFFUSION, timesteps, toFloat32(withFinal(sigmas, finalSigma, training)),
                false);
    }

    public static Schedule flowMatch(int steps, double shift, int numTrainTimesteps) {
        checkSteps(steps, numTrainTimesteps);
        if (!(shift > 0)) {
            throw new IllegalArgumentException("flow-match shift must be positive, got " + shift);
        }
        // The scheduler's own sigma range: its training sigmas shifted once, in float32 as torch does at init.
        float lowest = 1.0f / numTrainTimesteps;
        float sigmaMin = (float) (shift * lowest) / (1.0f + (float) ((shift - 1) * lowest));
        double sigmaMax = 1.0;
        double[] timesteps = linspace(sigmaMax * numTrainTimesteps, sigmaMin * (double) numTrainTimesteps, steps);
        double[] sigmas = new double[steps + 1];
        for (int i = 0; i < steps; i++) {
            double s = timesteps[i] / numTrainTimesteps;
            sigmas[i] = (float) (shift * s / (1 + (shift - 1) * s));
        }
        return flowSchedule(sigmas, numTrainTimesteps);
    }

    public static Schedule flowMatchDynamic(int steps, double mu, int numTrainTimesteps) {
        checkSteps(steps, numTrainTimesteps);
        if (!Double.isFinite(mu)) {
            throw new IllegalArgumentException("flow-match mu must be finite, got " + mu);
        }
        double[] base = linspace(1.0, 1.0 / steps, steps);
        float expMu = (float) Math.exp(mu);
        double[] sigmas = new double[steps + 1];
        for (int i = 0; i < steps; i++) {
            // NumPy evaluates the time shift on the float32 sigmas in float32.
            float s = (float) base[i];
            sigmas[i] = expMu / (expMu + (1.0f / s - 1.0f));
        }
        return flowSchedule(sigmas, numTrainTimesteps);
    }

    private static Schedule flowSchedule(double[] sigmasWithFinalZero, int numTrainTimesteps) {
        int steps = sigmasWithFinalZero.length - 1;
        double[] timesteps = new double[steps];
        for (int i = 0; i < steps; i++) {
            timesteps[i] = (float) sigmasWithFinalZero[i] * (float) numTrainTimesteps;
        }
        return new Schedule(Schedule.Kind.FLOW, timesteps, sigmasWithFinalZero, false);
    }

    /** Karras et al. (2022) noise levels, rho 7, from sigmaMax down to sigmaMin in float64. */
    public static double[] karras(double sigmaMin, double sigmaMax, int steps) {
        return karras(sigmaMin, sigmaMax, steps, KARRAS_RHO);
    }

    /** Karras et al. (2022) noise levels with exponent {@code rho}, from sigmaMax down to sigmaMin in float64. */
    public static double[] karras(double sigmaMin, double sigmaMax, int steps, double rho) {
        double[] ramp = linspace(0, 1, steps);
        double minInvRho = Math.pow(sigmaMin, 1 / rho);
        double maxInvRho = Math.pow(sigmaMax, 1 / rho);
        double[] sigmas = new double[steps];
        for (int i = 0; i < steps; i++) {
            sigmas[i] = Math.pow(maxInvRho + ramp[i] * (minInvRho - maxInvRho), rho);
        }
        return sigmas;
    }

    private static double[] leading(int stepRatio, int count, int stepsOffset) {
        double[] timesteps = new double[count];
        for (int i = 0; i < count; i++) {
            timesteps[count - 1 - i] = round((double) i * stepRatio) + stepsOffset;
        }
        return timesteps;
    }

    private static double[] trailing(int numTrain, int steps) {
        double[] timesteps = arange(numTrain, 0, -((double) numTrain / steps));
        if (timesteps.length != steps) {
            throw new IllegalArgumentException("trailing spacing of " + numTrain + " timesteps into " + steps
                    + " steps yields " + timesteps.length + " timesteps");
        }
        for (int i = 0; i < timesteps.length; i++) {
            timesteps[i] = round(timesteps[i]) - 1;
        }
        return timesteps;
    }

    private static double[] withFinal(double[] sigmas, FinalSigma finalSigma, NoiseSchedule training) {
        double[] all = java.util.Arrays.copyOf(sigmas, sigmas.length + 1);
        all[sigmas.length] = finalSigma == FinalSigma.ZERO ? 0.0 : training.sigmaMin();
        return all;
    }

    private static double[] roundAll(double[] values) {
        for (int i = 0; i < values.length; i++) {
            values[i] = round(values[i]);
        }
        return values;
    }

    private static double[] dropLast(double[] values) {
        return java.util.Arrays.copyOf(values, values.length - 1);
    }

    private static void checkSteps(int steps, int numTrain) {
        if (steps < 1 || steps > numTrain) {
            throw new IllegalArgumentException(
                    "steps must lie in [1, " + numTrain + "] (num_train_timesteps), got " + steps);
        }
    }

    private static void checkTimesteps(double[] timesteps, int numTrain) {
        for (double t : timesteps) {
            if (t < 0 || t > numTrain - 1) {
                throw new IllegalArgumentException("timestep " + t + " falls outside the training range [0, "
                        + (numTrain - 1) + "]; lower steps_offset or change the spacing");
            }
        }
    }
}
