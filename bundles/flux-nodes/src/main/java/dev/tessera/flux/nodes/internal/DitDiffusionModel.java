package dev.tessera.flux.nodes.internal;

import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.DiffusionModel;
import dev.tessera.model.api.ModelPatch;
import dev.tessera.model.api.WeightPatch;
import dev.tessera.model.api.runtime.PatchedModels;
import dev.tessera.models.core.sharing.Shared;
import dev.tessera.sampling.FlowShift;
import dev.tessera.sampling.NoiseSchedule;
import dev.tessera.sampling.Prediction;
import java.util.List;

/**
 * What the MODEL handles of flow-matching DiTs (FLUX, SD3) share: a lease on one {@link TransformerBase}, the
 * handle's patches, the flow prediction without a discrete schedule, the guided-call checks and the close.
 *
 * @param <C> the transformer configuration
 * @param <M> the transformer
 */
public abstract class DitDiffusionModel<C, M> implements DiffusionModel {

    final Shared.Lease<TransformerBase<C, M>> lease;
    final List<ModelPatch> patches;
    private boolean closed;

    /** A handle owning {@code lease} (the base goes with its last lease) with {@code patches}. */
    DitDiffusionModel(Shared.Lease<TransformerBase<C, M>> lease, List<ModelPatch> patches) {
        this.lease = lease;
        this.patches = List.copyOf(patches);
    }

    /** The shared base; fails once this handle is closed. */
    final TransformerBase<C, M> base() {
        return lease.get();
    }

    /** The transformer's configuration. */
    public C transformerConfig() {
        return base().checkpoint.config();
    }

    @Override
    public Prediction prediction() {
        return Prediction.FLOW;
    }

    /** A flow-matching DiT has no discrete-time training schedule: its samplers use flow sigmas. */
    @Override
    public NoiseSchedule noiseSchedule() {
        throw new UnsupportedOperationException(base().family + " is a flow-matching model without a discrete noise"
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

    /**
     * The transformer for this handle's weight patches, held with the base until the result closes (a bound
     * denoiser's life).
     */
    final Held<M> hold() {
        Shared.Lease<TransformerBase<C, M>> held = lease.share();
        try {
            return new Held<>(held.get().transformers.acquire(weightPatches()), held);
        } catch (RuntimeException e) {
            held.close();
            throw e;
        }
    }

    /** A transformer in use and the lease that keeps its base open. */
    static final class Held<M> implements AutoCloseable {
        private final PatchedModels.Use<M> use;
        private final Shared.Lease<?> lease;

        private Held(PatchedModels.Use<M> use, Shared.Lease<?> lease) {
            this.use = use;
            this.lease = lease;
        }

        M model() {
            return use.model();
        }

        @Override
        public void close() {
            use.close();
            lease.close();
        }
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
            lease.close();
        }
    }
}
