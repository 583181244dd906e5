package dev.tessera.flux.nodes.internal;

import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.DiffusionModel;
import dev.tessera.model.api.ModelPatch;
import dev.tessera.model.api.WeightPatch;
import dev.tessera.sampling.FlowShift;
import dev.tessera.sampling.NoiseSchedule;
import dev.tessera.sampling.Prediction;
import java.util.List;

/**
 * What the MODEL handles of flow-matching DiTs (FLUX, SD3) share: one {@link TransformerBase} counted per handle,
 * the handle's patches, the flow prediction without a discrete schedule, the guided-call checks and the close.
 *
 * @param <C> the transformer configuration
 * @param <M> the transformer
 */
public abstract class DitDiffusionModel<C, M> implements DiffusionModel {

    final TransformerBase<C, M> base;
    final List<ModelPatch> patches;
    private boolean closed;

    /** A handle over {@code base} (counted: the base goes with its last handle) with {@code patches}. */
    DitDiffusionModel(TransformerBase<C, M> base, List<ModelPatch> patches) {
        this.base = base;
        this.patches = List.copyOf(patches);
        base.refs.incrementAndGet();
    }

    /** The transformer's configuration. */
    public C transformerConfig() {
        return base.checkpoint.config();
    }

    @Override
    public Prediction prediction() {
        return Prediction.FLOW;
    }

    /** A flow-matching DiT has no discrete-time training schedule: its samplers use flow sigmas. */
    @Override
    public NoiseSchedule noiseSchedule() {
        throw new UnsupportedOperationException(base.family + " is a flow-matching model without a discrete noise"
                + " schedule; its schedules come from flowShift()");
    }

    @Override
    public List<ModelPatch> patches() {
        return patches;
    }

    /** The last {@link FlowShiftPatch}'s shift (ModelSamplingSD3 / ModelSamplingFlux), or null when none. */
    final FlowShift patchedShift() {
        for (int i = patches.size() - 1; i >= 0; i--) {
            if (patches.get(i) instanceof FlowShiftPatch fixed) {
                return fixed.shift();
            }
        }
        return null;
    }

    /** The handle's weight patches (LoRAs), in order. */
    final List<WeightPatch> weightPatches() {
        return patches.stream().filter(WeightPatch.class::isInstance).map(WeightPatch.class::cast).toList();
    }

    /** Checks a guided call's cfg and sides (the negative only when it is used) and gives the configuration. */
    final C checkGuided(Conditioning positive, Conditioning negative, double cfg) {
        if (!Double.isFinite(cfg)) {
            throw new IllegalArgumentException("cfg must be finite, got " + cfg);
        }
        C config = transformerConfig();
        check("positive", positive, config);
        if (cfg != 1.0) {
            check("negative", negative, config);
        }
        return config;
    }

    /** Checks one side's conditioning against the transformer's widths. */
    abstract void check(String side, Conditioning conditioning, C config);

    /** What the handle holds besides the base, freed on close before the base (FLUX: its Kontext patch). */
    void releaseOwn() {
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            releaseOwn();
            base.release();
        }
    }
}
