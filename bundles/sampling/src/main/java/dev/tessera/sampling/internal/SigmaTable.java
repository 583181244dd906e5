package dev.tessera.sampling.internal;

import dev.tessera.sampling.FlowShift;
import dev.tessera.sampling.NoiseSchedule;
import dev.tessera.sampling.Schedule;

/**
 * A model's sigma table as ComfyUI's schedulers read it ({@code model_sampling.sigmas}, ascending), with the two
 * things that differ between discrete and flow models: the time axis of the {@code normal} scheduler, and how a
 * schedule is made of picked sigmas (model timesteps, kind, inflated start).
 */
public interface SigmaTable {

    /** Entries of the table. */
    int size();

    /** Entry {@code i}, ascending. */
    double sigma(int i);

    double sigmaMin();

    double sigmaMax();

    /** ComfyUI's {@code normal} (with {@code sgm}, {@code sgm_uniform}) sigmas, without the final 0. */
    double[] normal(int steps, boolean sgm);

    /** The schedule running these sigmas, then 0. */
    Schedule schedule(double[] sigmas);

    /**
     * A discrete model's training sigmas; model timesteps are ComfyUI's nearest training timestep in log sigma, and
     * the start is inflated when it is at the model's top sigma (ComfyUI's {@code max_denoise}).
     */
    static SigmaTable of(NoiseSchedule training) {
        return new SigmaTable() {
            @Override
            public int size() {
                return training.numTrainTimesteps();
            }

            @Override
            public double sigma(int i) {
                return training.sigma(i);
            }

            @Override
            public double sigmaMin() {
                return training.sigmaMin();
            }

            @Override
            public double sigmaMax() {
                return training.sigmaMax();
            }

            @Override
            public double[] normal(int steps, boolean sgm) {
                int start = training.nearestTimestep(training.sigmaMax());
                int end = training.nearestTimestep(training.sigmaMin());
                float[] t = NumpyCompat.torchLinspaceFloat(start, end, sgm ? steps + 1 : steps);
                double[] sigmas = new double[steps];
                for (int i = 0; i < steps; i++) {
                    sigmas[i] = (float) training.sigmaAtLogLinear(t[i]);
                }
                return sigmas;
            }

            @Override
            public Schedule schedule(double[] sigmas) {
                double[] withZero = java.util.Arrays.copyOf(sigmas, sigmas.length + 1);
                double[] timesteps = new double[sigmas.length];
                for (int i = 0; i < sigmas.length; i++) {
                    timesteps[i] = training.nearestTimestep(sigmas[i]);
                }
                double top = training.sigmaMax();
                boolean fromTop = Math.abs(sigmas[0] - top) <= 1e-5 * Math.max(Math.abs(sigmas[0]), Math.abs(top))
                        || sigmas[0] > top;
                return new Schedule(Schedule.Kind.DIFFUSION, timesteps, withZero, fromTop);
            }
        };
    }

    /**
     * A flow model's table over its time shift. ComfyUI's flow time is the unshifted {@code t} in [0, 1], so
     * {@code normal} spaces it linearly from 1 down to the smallest table sigma and shifts each; model timesteps are
     * {@code 1000 * sigma}, as diffusers' flow-match scheduler passes them; flow noise is mixed in, never inflated.
     */
    static SigmaTable of(FlowShift shift) {
        return new SigmaTable() {
            @Override
            public int size() {
                return shift.tableSize();
            }

            @Override
            public double sigma(int i) {
                return shift.tableSigma(i);
            }

            @Override
            public double sigmaMin() {
                return shift.sigmaMin();
            }

            @Override
            public double sigmaMax() {
                return shift.sigmaMax();
            }

            @Override
            public double[] normal(int steps, boolean sgm) {
                float[] t = NumpyCompat.torchLinspaceFloat(1.0f, (float) shift.sigmaMin(), sgm ? steps + 1 : steps);
                double[] sigmas = new double[steps];
                for (int i = 0; i < steps; i++) {
                    sigmas[i] = (float) shift.sigma(t[i]);
                }
                return sigmas;
            }

            @Override
            public Schedule schedule(double[] sigmas) {
                double[] withZero = java.util.Arrays.copyOf(sigmas, sigmas.length + 1);
                double[] timesteps = new double[sigmas.length];
                for (int i = 0; i < sigmas.length; i++) {
                    timesteps[i] = (float) sigmas[i] * 1000f;
                }
                return new Schedule(Schedule.Kind.FLOW, timesteps, withZero, false);
            }
        };
    }
}
