package dev.tessera.conformance.runner.internal;

import dev.tessera.sampling.Denoiser;
import java.util.List;

/**
 * The analytic "networks" the pack's scheduler cases are generated with, recognised from their {@code model}
 * metadata. Each gets the model input already scaled (diffusers' {@code scale_model_input}) and computes in the
 * input's dtype, as the reference did in float32.
 */
enum AnalyticModel {

    /** {@code eps(x, t) = tanh(0.5 x) * (t / 1000) + 0.1 x}. */
    EPSILON("eps(x,t) = tanh(0.5*x)*(t/1000) + 0.1*x",
            (x, step) -> x.mul(0.5f).tanh().muli((float) (step.timestep() / 1000.0)).addi(x.mul(0.1f))),
    /** {@code v(x, sigma) = 0.5 x - tanh(x) * sigma}: a flow velocity. */
    FLOW_VELOCITY("v(x, sigma_i) = 0.5*x - tanh(x)*sigma_i",
            (x, step) -> x.mul(0.5f).subi(x.tanh().muli((float) step.sigma())));

    private final String formula;
    private final Denoiser denoiser;

    AnalyticModel(String formula, Denoiser denoiser) {
        this.formula = formula;
        this.denoiser = denoiser;
    }

    Denoiser denoiser() {
        return denoiser;
    }

    /**
     * The model a case's {@code model} metadata describes; the text may go on after the formula (e.g. "applied to
     * scale_model_input(x,t)"). Spaces are ignored.
     *
     * @throws IllegalArgumentException quoting the text and the known formulas when none matches
     */
    static AnalyticModel fromMetadata(String description) {
        if (description == null) {
            throw new IllegalArgumentException("metadata has no 'model' (the analytic model the case was generated"
                    + " with)");
        }
        String text = squeeze(description);
        for (AnalyticModel model : values()) {
            if (text.startsWith(squeeze(model.formula))) {
                return model;
            }
        }
        throw new IllegalArgumentException("metadata 'model': unknown analytic model '" + description
                + "'; known: " + String.join(" | ", List.of(EPSILON.formula, FLOW_VELOCITY.formula)));
    }

    private static String squeeze(String s) {
        return s.replace(" ", "");
    }
}
