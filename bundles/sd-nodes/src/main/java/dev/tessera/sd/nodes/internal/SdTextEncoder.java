package dev.tessera.sd.nodes.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.ModelPatch;
import dev.tessera.model.api.TextEncoder;
import dev.tessera.model.api.WeightPatch;
import dev.tessera.model.api.runtime.PatchedModels;
import dev.tessera.models.core.sharing.Shared;
import dev.tessera.models.sd.CLIPTextModel;
import dev.tessera.models.sd.ClipConditioning;
import dev.tessera.tokenizers.WeightedTokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * CLIP for an SD1.x or SDXL checkpoint: a lease on the shared checkpoint, the layer used, and weight patches. For
 * SDXL it is ComfyUI's SDXLClipModel: CLIP-L and OpenCLIP-G each encode the prompt (G's tokenizer pads with 0), at
 * the penultimate layer without the final norm, concatenated along features; the pooled output is G's projected
 * pooled output. The size extras of CLIPTextEncodeSDXL ride on the entry for the UNet's added conditioning.
 */
final class SdTextEncoder implements TextEncoder {

    /** SDXL's default layer (ComfyUI: layer_idx -2 for both encoders, no final norm). */
    static final int SDXL_LAYER = -2;

    /** ComfyUI's conditioning keys of CLIPTextEncodeSDXL, read by SDXL's encode_adm. */
    static final List<String> SIZE_KEYS = List.of("width", "height", "crop_w", "crop_h", "target_width",
            "target_height");

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
        if (lease.get().isSdxl()) {
            return encodeSdxl(text, text, Map.of(), owner);
        }
        WeightedTokens tokens = tokenize(text);
        List<WeightPatch> weights = patches.stream().map(WeightPatch.class::cast).toList();
        try (PatchedModels.Use<CLIPTextModel> use = lease.get().textEncoders().acquire(weights)) {
            NDList out = ClipConditioning.encode(use.model(), tokens.allIds(), tokens.allWeights(), tokens.windows(),
                    tokens.emptyWindow(), lastLayer, owner);
            return Conditioning.owning(owner, List.of(new Conditioning.Entry(out.get(0), out.get(1))));
        }
    }

    /** Whether this is an SDXL CLIP (CLIPTextEncodeSDXL needs one). */
    boolean isSdxl() {
        return lease.get().isSdxl();
    }

    /**
     * ComfyUI's CLIPTextEncodeSDXL: {@code textG} through OpenCLIP-G, {@code textL} through CLIP-L, the one with
     * fewer windows padded with empty windows, the outputs concatenated along features; {@code sizes} (the
     * {@link #SIZE_KEYS}) stored on the entry.
     */
    Conditioning encodeSdxl(String textG, String textL, Map<String, Object> sizes, NDManager owner) {
        SdCheckpoint checkpoint = lease.get();
        WeightedTokens g = checkpoint.tokenizerG().tokenizeWithWeights(textG);
        WeightedTokens l = checkpoint.tokenizer().tokenizeWithWeights(textL);
        int windows = Math.max(g.windows(), l.windows());
        List<WeightPatch> weights = patches.stream().map(WeightPatch.class::cast).toList();
        try (PatchedModels.Use<CLIPTextModel> useL = checkpoint.textEncoders().acquire(weights);
                PatchedModels.Use<CLIPTextModel> useG = checkpoint.textEncoders2().acquire(weights);
                NDManager scratch = owner.newSubManager()) {
            NDList outL = ClipConditioning.encode(useL.model(), ClipConditioning.padWindows(l.allIds(), l.emptyWindow(), windows),
                    ClipConditioning.padWeights(l.allWeights(), l.emptyWindow().length, windows), windows, l.emptyWindow(),
                    lastLayer, false, scratch);
            NDList outG = ClipConditioning.encode(useG.model(), ClipConditioning.padWindows(g.allIds(), g.emptyWindow(), windows),
                    ClipConditioning.padWeights(g.allWeights(), g.emptyWindow().length, windows), windows, g.emptyWindow(),
                    lastLayer, false, scratch);
            NDArray cond = outL.get(0).concat(outG.get(0), 2);
            NDArray pooled = useG.model().project(outG.get(1));
            cond.attach(owner);
            pooled.attach(owner);
            return Conditioning.owning(owner, List.of(new Conditioning.Entry(cond, pooled, sizes)));
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
