package dev.tessera.flux.nodes.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.model.api.BoundDenoiser;
import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.DiffusionModel;
import dev.tessera.model.api.LatentFormat;
import dev.tessera.model.api.LatentPacking;
import dev.tessera.model.api.ModelPatch;
import dev.tessera.model.api.WeightPatch;
import dev.tessera.models.core.sharing.Shared;
import dev.tessera.models.dit.FluxInput;
import dev.tessera.models.dit.FluxModel;
import dev.tessera.models.dit.FluxTransformer2DModel;
import dev.tessera.models.dit.FluxTransformerConfig;
import dev.tessera.models.dit.Kontext;
import dev.tessera.models.dit.KontextPatch;
import dev.tessera.models.dit.loading.FluxCheckpoint;
import dev.tessera.sampling.ClassifierFreeGuidance;
import dev.tessera.sampling.FlowShift;
import dev.tessera.sampling.ModelStep;
import dev.tessera.tensor.TensorScope;
import java.util.List;

/**
 * ComfyUI's MODEL for a FLUX transformer: a flow-matching (velocity) model in FLUX's 16-channel latent space. The
 * sampler's latent [B, 16, h, w] is packed 2x2 into h/2 x w/2 tokens with ids (0, row, col), the transformer
 * runs on each conditioning entry's T5 states and CLIP pooled vector with its embedded guidance (FluxGuidance's
 * {@value #GUIDANCE}, 3.5 when absent, as ComfyUI), and the prediction is unpacked back. With a
 * {@link KontextPatch} the patch's context tokens follow the noise tokens under its per-block masks, and only the
 * noise tokens' prediction is returned. Handles share one loaded checkpoint, freed when the last handle is closed.
 */
public final class FluxDiffusionModel extends DitDiffusionModel<FluxTransformerConfig, FluxTransformer2DModel>
        implements FluxModel {

    /** The conditioning extra FluxGuidance sets (ComfyUI's key). */
    public static final String GUIDANCE = "guidance";
    /** The conditioning extra ReferenceLatent fills: a list of VAE-space latents [1, C, h, w] (ComfyUI's key). */
    public static final String REFERENCE_LATENTS = "reference_latents";
    /** ComfyUI's Flux default when a conditioning carries no guidance. */
    public static final double DEFAULT_GUIDANCE = 3.5;

    /** A handle owning {@code checkpoint} (closed when this handle and all derived from it are closed). */
    public FluxDiffusionModel(FluxCheckpoint checkpoint) {
        this(TransformerBase.own(checkpoint, "FLUX", FluxTransformer2DModel::new), List.of());
    }

    /** A handle owning {@code lease} on an opened FLUX base (a {@link TransformerCheckpoints} lease). */
    FluxDiffusionModel(Shared.Lease<TransformerBase<FluxTransformerConfig, FluxTransformer2DModel>> lease,
            List<ModelPatch> patches) {
        super(lease, patches);
    }

    /** The loaded checkpoint behind this handle. */
    public FluxCheckpoint checkpoint() {
        return (FluxCheckpoint) base().checkpoint;
    }

    @Override
    public LatentFormat latentFormat() {
        int channels = transformerConfig().inChannels() / (LatentPacking.PATCH * LatentPacking.PATCH);
        return channels == LatentFormat.FLUX.channels() ? LatentFormat.FLUX
                : new LatentFormat("flux", channels, 8, LatentFormat.FLUX.scalingFactor(),
                        LatentFormat.FLUX.shiftFactor());
    }

    /**
     * FLUX's resolution-dependent shift: mu from the number of packed 2x2 tokens of the noise latent (context
     * tokens of a Kontext patch do not count, as in diffusers' Kontext pipeline), unless a {@link FlowShiftPatch}
     * (ModelSamplingFlux) fixes it.
     */
    @Override
    public FlowShift flowShift(long height, long width) {
        FlowShift patched = patchedShift();
        if (patched != null) {
            return patched;
        }
        if (height < 2 || width < 2) {
            throw new IllegalArgumentException("a FLUX latent needs at least 2x2 cells, got " + height + "x" + width);
        }
        return FlowShift.fluxForTokens((int) ((height / 2) * (width / 2)));
    }

    /**
     * A handle with one more patch: a {@link KontextPatch} (at most one per handle), a {@link WeightPatch} (a LoRA
     * through LoraLoaderModelOnly; several stack in order over the base weights) or a {@link FlowShiftPatch}
     * (ModelSamplingFlux; the last one counts).
     */
    @Override
    public DiffusionModel withPatch(ModelPatch patch) {
        if (patch instanceof WeightPatch || patch instanceof FlowShiftPatch) {
            List<ModelPatch> more = new java.util.ArrayList<>(patches);
            more.add(patch);
            KontextPatch kontext = kontext();
            if (kontext != null) {
                kontext.acquire();
            }
            return new FluxDiffusionModel(lease.share(), more);
        }
        if (!(patch instanceof KontextPatch kontext)) {
            throw new IllegalArgumentException("FLUX MODEL handles take Kontext and weight (LoRA) patches, not "
                    + patch.key());
        }
        if (kontext() != null) {
            throw new IllegalArgumentException("this FLUX MODEL already carries a Kontext patch ("
                    + kontext().key() + "); apply the new one to the unpatched model");
        }
        List<ModelPatch> more = new java.util.ArrayList<>(patches);
        more.add(kontext.acquire());
        return new FluxDiffusionModel(lease.share(), more);
    }

    private KontextPatch kontext() {
        for (ModelPatch patch : patches) {
            if (patch instanceof KontextPatch kontext) {
                return kontext;
            }
        }
        return null;
    }

    @Override
    public BoundDenoiser guided(Conditioning positive, Conditioning negative, double cfg, NDManager manager) {
        checkGuided(positive, negative, cfg);
        KontextPatch kontext = kontext();
        LatentFormat format = latentFormat();
        Held<FluxTransformer2DModel> held = hold();
        FluxTransformer2DModel transformer = held.model();
        if (kontext != null) {
            kontext.acquire();
        }
        return new BoundDenoiser() {
            @Override
            public NDArray predict(NDArray input, ModelStep step) {
                return TensorScope.keep(() -> {
                    NDArray cond = side(transformer, kontext, format, positive, input, step);
                    NDArray out = cfg == 1.0 ? cond : ClassifierFreeGuidance.combine(cond,
                            side(transformer, kontext, format, negative, input, step), cfg);
                    return out.toType(input.getDataType(), false);
                });
            }

            @Override
            public void close() {
                if (kontext != null) {
                    kontext.release();
                }
                held.close();
            }
        };
    }

    /** The strength-weighted mean over the entries of one side. */
    private static NDArray side(FluxTransformer2DModel transformer, KontextPatch kontext, LatentFormat format,
            Conditioning conditioning, NDArray latent, ModelStep step) {
        Shape shape = latent.getShape();
        long batch = shape.get(0);
        NDManager manager = latent.getManager();
        NDArray tokens = LatentPacking.pack(latent);
        NDArray imgIds = Kontext.gridIds(manager, Kontext.NOISE_INDEX, (int) shape.get(2) / 2, (int) shape.get(3) / 2,
                0, 0);
        NDArray mean = DitConditioning.weightedMean(conditioning, entry -> {
            NDArray text = DitConditioning.perBatch(entry.embeddings(), batch);
            NDArray pooled = DitConditioning.perBatch(entry.pooled(), batch);
            NDArray txtIds = manager.zeros(new Shape(text.getShape().get(1), 3));
            double guidance = entry.extras().get(GUIDANCE) instanceof Number n ? n.doubleValue() : DEFAULT_GUIDANCE;
            FluxInput input = new FluxInput(tokens, text, pooled, manager.create(new float[] {(float) step.sigma()}),
                    imgIds, txtIds, manager.create(new float[] {(float) guidance}));
            if (entry.extras().get(REFERENCE_LATENTS) instanceof List<?> references && !references.isEmpty()) {
                if (kontext != null) {
                    throw new IllegalArgumentException("reference latents (ReferenceLatent) and a Kontext patch on"
                            + " the same model: give the context one way");
                }
                NDArray[] context = referenceTokens(references, format, manager);
                return Kontext.forward(transformer, input, DitConditioning.perBatch(context[0], batch), context[1],
                        dev.tessera.models.dit.BlockMasks.none(), dev.tessera.models.dit.AttentionMode.AUTO);
            }
            if (kontext != null) {
                return Kontext.forward(transformer, input, DitConditioning.perBatch(kontext.contextTokens(), batch),
                        kontext.contextIds(), kontext.masks(), kontext.mode());
            }
            return transformer.forward(input);
        });
        return LatentPacking.unpack(mean, shape.get(2), shape.get(3));
    }

    /**
     * Reference latents (VAE space) as context tokens [1, M, 4C] and ids [M, 3], placed as ComfyUI's default
     * ("offset") method places them: index 1; each reference goes beside the ones before it, below them when that
     * keeps the placed area squarer (rows offset by the height so far), else to their right.
     */
    private static NDArray[] referenceTokens(List<?> references, LatentFormat format, NDManager manager) {
        NDArray tokens = null;
        NDArray ids = null;
        long h = 0;
        long w = 0;
        for (int i = 0; i < references.size(); i++) {
            if (!(references.get(i) instanceof NDArray ref) || ref.getShape().dimension() != 4
                    || ref.getShape().get(0) != 1 || ref.getShape().get(1) != format.channels()
                    || ref.getShape().get(2) % 2 != 0 || ref.getShape().get(3) % 2 != 0) {
                throw new IllegalArgumentException("reference latent " + i + ": expected a FLUX latent [1, "
                        + format.channels() + ", even height, even width], got "
                        + (references.get(i) instanceof NDArray a ? a.getShape() : references.get(i)));
            }
            long rh = ref.getShape().get(2);
            long rw = ref.getShape().get(3);
            long hOffset = 0;
            long wOffset = 0;
            if (rh + h > rw + w) {
                wOffset = w;
            } else {
                hOffset = h;
            }
            h = Math.max(h, rh + hOffset);
            w = Math.max(w, rw + wOffset);
            NDArray packed = LatentPacking.pack(format.toModel(ref.toType(DataType.FLOAT32, false)));
            NDArray grid = Kontext.gridIds(manager, Kontext.CONTEXT_INDEX, (int) rh / 2, (int) rw / 2,
                    (int) ((hOffset + 1) / 2), (int) ((wOffset + 1) / 2));
            tokens = tokens == null ? packed : tokens.concat(packed, 1);
            ids = ids == null ? grid : ids.concat(grid, 0);
        }
        return new NDArray[] {tokens, ids};
    }

    @Override
    void check(String side, Conditioning conditioning, FluxTransformerConfig config) {
        DitConditioning.check(side, conditioning, "FLUX", config.jointAttentionDim(), "T5 states",
                config.pooledProjectionDim(), "CLIP-L", "; place instances with ContextGen's layout instead");
    }

    /** The Kontext patch this handle acquired goes with it. */
    @Override
    void releaseOwn() {
        KontextPatch kontext = kontext();
        if (kontext != null) {
            kontext.release();
        }
    }
}
