package dev.tessera.flux.nodes.internal;

import ai.djl.ndarray.types.DataType;
import dev.tessera.model.api.runtime.PatchedModels;
import dev.tessera.models.core.DeviceWeights;
import dev.tessera.models.core.ParameterSpecs;
import dev.tessera.models.core.PatchedWeights;
import dev.tessera.models.core.Weights;
import dev.tessera.models.core.sharing.Shared;
import dev.tessera.models.dit.loading.TransformerCheckpoint;

/**
 * One opened DiT checkpoint (FLUX, SD3) as its MODEL handles and bound denoisers share it, each through a
 * {@link Shared.Lease}: the checkpoint and the transformers built over its weights with weight patches (model-api's
 * {@link PatchedModels}: one per distinct patch list holding only the replaced parameters, unused ones beyond a few
 * freed). Closed by the last lease: {@link TransformerCheckpoints}' for a loader's file, its own for a checkpoint
 * opened elsewhere.
 *
 * @param <C> the transformer configuration
 * @param <M> the transformer
 */
final class TransformerBase<C, M> implements AutoCloseable {

    /** Builds a transformer of a configuration over weights in a dtype (the model's constructor). */
    interface Builder<C, M> {
        M build(C config, Weights weights, DataType dtype);
    }

    final TransformerCheckpoint<C, M> checkpoint;
    /** The model's name in messages ("FLUX", "SD3"). */
    final String family;
    /** The transformer per list of weight patches (the checkpoint's own model without patches). */
    final PatchedModels<M> transformers;
    private boolean closed;

    /** @param family the model's name in messages ("FLUX", "SD3") */
    TransformerBase(TransformerCheckpoint<C, M> checkpoint, String family, Builder<C, M> builder) {
        this.checkpoint = checkpoint;
        this.family = family;
        C config = checkpoint.config();
        DataType dtype = checkpoint.dataType();
        DeviceWeights weights = checkpoint.weights();
        this.transformers = new PatchedModels<>("transformer", family + " transformer", PatchedModels.base(
                checkpoint::model, () -> ParameterSpecs.of(w -> builder.build(config, w, DataType.FLOAT32)),
                weights::get, replaced -> builder.build(config, new PatchedWeights(weights, replaced), dtype)),
                weights.manager(), dtype);
    }

    /** A lease on a base over {@code checkpoint} that no cache holds: the checkpoint closes with its last lease. */
    static <C, M> Shared.Lease<TransformerBase<C, M>> own(TransformerCheckpoint<C, M> checkpoint, String family,
            Builder<C, M> builder) {
        return new Shared<>(new TransformerBase<>(checkpoint, family, builder), s -> s.value().close()).lease();
    }

    /** Idempotent: the cache's stop may close it before the last handle does. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        transformers.close();
        checkpoint.close();
    }

    @Override
    public String toString() {
        return family + " " + checkpoint;
    }
}
