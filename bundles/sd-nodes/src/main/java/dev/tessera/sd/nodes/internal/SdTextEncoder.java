package dev.tessera.sd.nodes.internal;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.ModelPatch;
import dev.tessera.model.api.TextEncoder;
import dev.tessera.model.api.WeightPatch;
import dev.tessera.models.sd.CLIPTextModel;
import dev.tessera.tokenizers.WeightedTokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** CLIP for an SD1.x checkpoint: a lease on the shared checkpoint, the layer used, and weight patches. */
final class SdTextEncoder implements TextEncoder {

    private final Shared.Lease<SdCheckpoint> lease;
    private final int lastLayer;
    private final List<ModelPatch> patches;

    SdTextEncoder(Shared.Lease<SdCheckpoint> lease, int lastLayer, List<ModelPatch> patches) {
        this.lease = lease;
        this.lastLayer = lastLayer;
        this.patches = List.copyOf(patches);
    }

    @Override
    public String family() {
        return lease.get().latentFormat().family();
    }

    @Override
    public int layerCount() {
        return lease.get().checkpoint().textEncoderConfig().numHiddenLayers();
    }

    @Override
    public int lastLayer() {
        return lastLayer;
    }

    @Override
    public TextEncoder withLastLayer(int layer) {
        int layers = layerCount();
        if (layer > -1 || layer < -layers) {
            throw new IllegalArgumentException("layer " + layer + " does not exist: the text encoder of "
                    + lease.get().name() + " has " + layers + " layers (-1 to -" + layers + ")");
        }
        return new SdTextEncoder(lease.share(), layer, patches);
    }

    @Override
    public List<ModelPatch> patches() {
        return patches;
    }

    @Override
    public TextEncoder withPatch(ModelPatch patch) {
        Objects.requireNonNull(patch, "patch");
        if (!(patch instanceof WeightPatch)) {
            throw new IllegalArgumentException("a CLIP takes weight patches only, not " + patch.getClass().getName());
        }
        List<ModelPatch> more = new ArrayList<>(patches);
        more.add(patch);
        return new SdTextEncoder(lease.share(), lastLayer, more);
    }

    /** The tokens of {@code text}, as {@link #encode} uses them. */
    WeightedTokens tokenize(String text) {
        return lease.get().tokenizer().tokenizeWithWeights(text);
    }

    @Override
    public Conditioning encode(String text, NDManager owner) {
        WeightedTokens tokens = tokenize(text);
        List<WeightPatch> weights = patches.stream().map(WeightPatch.class::cast).toList();
        try (PatchedModels.Use<CLIPTextModel> use = lease.get().textEncoders().acquire(weights)) {
            NDList out = ClipConditioning.encode(use.model(), tokens.allIds(), tokens.allWeights(), tokens.windows(),
                    tokens.emptyWindow(), lastLayer, owner);
            return Conditioning.owning(owner, List.of(new Conditioning.Entry(out.get(0), out.get(1))));
        }
    }

    /** The lease on the shared model (tests read the base through it). */
    Shared.Lease<SdCheckpoint> lease() {
        return lease;
    }

    @Override
    public void close() {
        lease.close();
    }

    @Override
    public String toString() {
        return "CLIP[" + (lease.isClosed() ? "closed" : lease.get().name()) + ", layer " + lastLayer
                + (patches.isEmpty() ? "" : ", " + patches.size() + " patches") + "]";
    }
}
