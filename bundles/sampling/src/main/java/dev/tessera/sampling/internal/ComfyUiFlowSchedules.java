package dev.tessera.sampling.internal;

import dev.tessera.sampling.FlowShift;
import dev.tessera.sampling.Schedule;
import java.util.ArrayList;
import java.util.List;

/**
 * ComfyUI's {@code scheduler} choices ({@code comfy/samplers.py}) for rectified-flow models: the same rules as for
 * discrete models, over the flow model's sigma table and time shift. ComfyUI's flow model time is the unshifted
 * {@code t} in [0, 1] ({@code timestep(sigma)} returns sigma scaled back to that range), so {@code normal} spaces
 * {@code t} linearly from 1 down to the smallest table sigma and shifts each; model timesteps are
 * {@code 1000 * sigma}, as diffusers' flow-match scheduler passes them.
 */
public final class ComfyUiFlowSchedules {

    private static final double TIMESTEP_SCALE = 1000;

    private ComfyUiFlowSchedules() {}

    public static Schedule normal(FlowShift shift, int steps, boolean sgm) {
        checkSteps(steps);
        float[] t = NumpyCompat.torchLinspaceFloat(1.0f, (float) shift.sigmaMin(), sgm ? steps + 1 : steps);
        double[] sigmas = new double[steps];
        for (int i = 0; i < steps; i++) {
            sigmas[i] = (float) shift.sigma(t[i]);
        }
        return build(sigmas);
    }

    public static Schedule karras(FlowShift shift, int steps) {
        checkSteps(steps);
        return build(NumpyCompat.toFloat32(DiffusersSchedules.karras(shift.sigmaMin(), shift.sigmaMax(), steps)));
    }

    public static Schedule exponential(FlowShift shift, int steps) {
        checkSteps(steps);
        double[] logs = NumpyCompat.linspace(Math.log(shift.sigmaMax()), Math.log(shift.sigmaMin()), steps);
        double[] sigmas = new double[steps];
        for (int i = 0; i < steps; i++) {
            sigmas[i] = (float) Math.exp(logs[i]);
        }
        return build(sigmas);
    }

    public static Schedule simple(FlowShift shift, int steps) {
        checkSteps(steps);
        int n = shift.tableSize();
        double stride = n / (double) steps;
        double[] sigmas = new double[steps];
        for (int i = 0; i < steps; i++) {
            sigmas[i] = shift.tableSigma(n - 1 - (int) (i * stride));
        }
        return build(sigmas);
    }

    public static Schedule beta(FlowShift shift, int steps) {
        checkSteps(steps);
        int[] picks = ComfyUiSchedules.betaPicks(shift.tableSize() - 1, steps);
        double[] sigmas = new double[picks.length];
        for (int i = 0; i < picks.length; i++) {
            sigmas[i] = shift.tableSigma(picks[i]);
        }
        return build(sigmas);
    }

    public static Schedule ddimUniform(FlowShift shift, int steps) {
        checkSteps(steps);
        int n = shift.tableSize();
        int stride = Math.max(n / steps, 1);
        List<Double> ascending = new ArrayList<>();
        for (int t = 1; t < n; t += stride) {
            ascending.add(shift.tableSigma(t));
        }
        double[] sigmas = new double[ascending.size()];
        for (int i = 0; i < sigmas.length; i++) {
            sigmas[i] = ascending.get(sigmas.length - 1 - i);
        }
        return build(sigmas);
    }

    private static Schedule build(double[] sigmas) {
        double[] withZero = java.util.Arrays.copyOf(sigmas, sigmas.length + 1);
        double[] timesteps = new double[sigmas.length];
        for (int i = 0; i < sigmas.length; i++) {
            timesteps[i] = (float) sigmas[i] * (float) TIMESTEP_SCALE;
        }
        // Flow noise is mixed in as sigma * n + (1 - sigma) * x: there is no inflated start.
        return new Schedule(Schedule.Kind.FLOW, timesteps, withZero, false);
    }

    private static void checkSteps(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
    }
}
