package dev.tessera.flux.nodes.internal;

import dev.tessera.model.api.ModelPatch;
import dev.tessera.sampling.FlowShift;

/**
 * A fixed time shift for a flow model's sampler schedules, in place of the one it derives from the latent's size
 * (ComfyUI's ModelSamplingFlux node). The last one on a handle wins, as each ModelSamplingFlux replaces the model's
 * sampling settings.
 */
public record FlowShiftPatch(FlowShift shift) implements ModelPatch {

    public FlowShiftPatch {
        if (shift == null) {
            throw new IllegalArgumentException("a flow shift patch needs a shift");
        }
    }

    @Override
    public String key() {
        return "flow-shift " + shift.kind() + " " + shift.shift() + " " + shift.tableSize();
    }
}
