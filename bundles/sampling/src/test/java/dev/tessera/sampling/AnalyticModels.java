package dev.tessera.sampling;

import ai.djl.ndarray.NDArray;

/**
 * The conformance pack's analytic noise model as a Denoiser, plus its double-precision scalar form for hand
 * computations. (The pack's own trajectories, which name their model in metadata, are run by the conformance
 * runner's {@code schedulers} family.)
 */
final class AnalyticModels {

    private AnalyticModels() {}

    /** {@code eps(x, t) = tanh(0.5 x) * (t / 1000) + 0.1 x}, x being the scaled model input. */
    static final Denoiser EPSILON = (x, step) ->
            x.mul(0.5f).tanh().muli((float) (step.timestep() / 1000.0)).addi(x.mul(0.1f));

    static double epsilon(double x, double t) {
        return Math.tanh(0.5 * x) * (t / 1000.0) + 0.1 * x;
    }

    static double relativeL2(float[] actual, float[] expected) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            double d = (double) actual[i] - expected[i];
            diff += d * d;
            norm += (double) expected[i] * expected[i];
        }
        return Math.sqrt(diff / norm);
    }

    static double relativeL2(NDArray actual, NDArray expected) {
        if (!actual.getShape().equals(expected.getShape())) {
            throw new AssertionError("shape " + actual.getShape() + " differs from " + expected.getShape());
        }
        return relativeL2(actual.toFloatArray(), expected.toFloatArray());
    }
}
