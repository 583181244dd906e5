package dev.tessera.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter; torch.optim.AdamW's update): for each parameter p with
 * gradient g, {@code m = b1 m + (1 - b1) g}, {@code v = b2 v + (1 - b2) g^2}, {@code p -= lr (wd p + m^ / (sqrt(v^) +
 * eps))} with bias-corrected m^ and v^. Its state (the moments and the step count) is part of a checkpoint, so a
 * resumed run continues exactly.
 */
public final class AdamW {

    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final Map<String, NDArray> first = new LinkedHashMap<>();
    private final Map<String, NDArray> second = new LinkedHashMap<>();
    private long steps;

    public AdamW(double beta1, double beta2, double eps, double weightDecay) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    /** torch's defaults with a weight decay of 0.01. */
    public static AdamW defaults() {
        return new AdamW(0.9, 0.999, 1e-8, 0.01);
    }

    /**
     * One update of every parameter that has a gradient, at learning rate {@code lr}; the gradients are zeroed
     * afterwards. Runs outside a gradient collector (in-place updates of leaf tensors), inside a tensor scope that
     * frees its temporaries.
     */
    public void step(Map<String, NDArray> parameters, double lr) {
        steps++;
        double correction1 = 1 - Math.pow(beta1, steps);
        double correction2 = 1 - Math.pow(beta2, steps);
        double stepSize = lr / correction1;
        for (Map.Entry<String, NDArray> entry : parameters.entrySet()) {
            NDArray p = entry.getValue();
            if (!p.hasGradient()) {
                continue;
            }
            // Temporaries are freed by the caller's scope (TrainingLoop runs this inside TensorScope.run).
            NDArray g = p.getGradient();
            NDArray m = first.computeIfAbsent(entry.getKey(), k -> zerosLike(p));
            NDArray v = second.computeIfAbsent(entry.getKey(), k -> zerosLike(p));
            m.muli(beta1).addi(g.mul(1 - beta1));
            v.muli(beta2).addi(g.square().muli(1 - beta2));
            NDArray denominator = v.div(correction2).sqrt().addi(eps);
            if (weightDecay != 0) {
                p.muli(1 - lr * weightDecay);
            }
            p.subi(m.div(denominator).muli(stepSize));
            g.subi(g); // g is the parameter's gradient buffer: zeroed in place for the next step
        }
    }

    private static NDArray zerosLike(NDArray p) {
        NDArray zeros = p.getManager().zeros(p.getShape(), p.getDataType());
        ai.djl.ndarray.NDScope.unregister(zeros);
        return zeros;
    }

    public long steps() {
        return steps;
    }

    /** The state by name: {@code adam.m.<parameter>} and {@code adam.v.<parameter>}. */
    public Map<String, NDArray> state() {
        Map<String, NDArray> state = new LinkedHashMap<>();
        first.forEach((k, v) -> state.put("adam.m." + k, v));
        second.forEach((k, v) -> state.put("adam.v." + k, v));
        return state;
    }

    /** Restores the moments written by {@link #state()} (copied onto {@code manager}) and the step count. */
    public void restore(Map<String, NDArray> state, long stepCount, NDManager manager) {
        first.clear();
        second.clear();
        state.forEach((k, v) -> {
            NDArray copy = v.toDevice(manager.getDevice(), false).duplicate();
            copy.attach(manager);
            ai.djl.ndarray.NDScope.unregister(copy);
            if (k.startsWith("adam.m.")) {
                first.put(k.substring(7), copy);
            } else if (k.startsWith("adam.v.")) {
                second.put(k.substring(7), copy);
            }
        });
        this.steps = stepCount;
    }
}
