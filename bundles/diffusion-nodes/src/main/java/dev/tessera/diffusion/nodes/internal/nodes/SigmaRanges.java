package dev.tessera.diffusion.nodes.internal.nodes;

import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;

/**
 * The inputs ComfyUI's model-free scheduler nodes share (KarrasScheduler, ExponentialScheduler,
 * PolyexponentialScheduler): steps and the sigma range, SD1.5's by default. {@code round=False} there is round 0.
 */
final class SigmaRanges {

    private SigmaRanges() {}

    static InputSpec sigmaMax() {
        return InputSpec.decimal("sigma_max", 14.614642, 0.0, 5000.0, 0.01, 0.0);
    }

    static InputSpec sigmaMin() {
        return InputSpec.decimal("sigma_min", 0.0291675, 0.0, 5000.0, 0.01, 0.0);
    }

    static InputSpec rho(double defaultValue) {
        return InputSpec.decimal("rho", defaultValue, 0.0, 100.0, 0.01, 0.0);
    }

    static int steps(NodeInputs inputs) {
        long steps = inputs.getInt("steps");
        if (steps < 1 || steps > 10000) {
            throw NodeException.invalidInput("steps", "steps is " + steps + "; expected 1 to 10000");
        }
        return (int) steps;
    }

    /**
     * A sigma bound above 0: the last step would otherwise start at sigma 0 (or log 0), where no sampler can step.
     */
    static double positive(NodeInputs inputs, String name) {
        double value = inputs.getFloat(name);
        if (!(value > 0) || !Double.isFinite(value)) {
            throw NodeException.invalidInput(name, name + " is " + value + "; expected a finite sigma above 0");
        }
        return value;
    }
}
