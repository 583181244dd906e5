package dev.tessera.flux.nodes.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tessera.model.api.BoundDenoiser;
import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.DiffusionModel;
import dev.tessera.model.api.LatentFormat;
import dev.tessera.model.api.ModelPatch;
import dev.tessera.model.api.WeightPatch;
import dev.tessera.models.core.sharing.Shared;
import dev.tessera.models.dit.Sd3Input;
import dev.tessera.models.dit.Sd3Transformer2DModel;
import dev.tessera.models.dit.Sd3TransformerConfig;
import dev.tessera.models.dit.loading.Sd3Checkpoint;
import dev.tessera.sampling.ClassifierFreeGuidance;
import dev.tessera.sampling.FlowShift;
import dev.tessera.sampling.ModelStep;
import dev.tessera.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;

/**
 * ComfyUI's MODEL for an SD3 / SD3.5 transformer (MMDiT): a flow-matching (velocity) model in SD3's 16-channel
 * latent space (scaling 1.5305, shift 0.0609). The transformer runs on the latent as it is (it patchifies itself),
 * on each conditioning entry's text states (CLIP-L + CLIP-G, then T5) and pooled vector (CLIP-L + CLIP-G), with
 * timestep sigma x 1000 (ComfyUI's ModelSamplingDiscreteFlow multiplier). Sampler schedules use SD3's fixed linear
 * time shift, 3.0 (ComfyUI's SD3 sampling settings) unless a {@link FlowShiftPatch} (ModelSamplingSD3) sets another.
 * Handles share one loaded checkpoint, freed when the last handle is closed.
 */
public final class Sd3DiffusionModel extends DitDiffusionModel<Sd3TransformerConfig, Sd3Transformer2DModel> {

    /** SD3's and SD3.5's shift (ComfyUI's supported_models.SD3 sampling settings and ModelSamplingSD3 default). */
    public static final double DEFAULT_SHIFT = 3.0;

    /** A handle owning {@code checkpoint} (closed when this handle and all derived from it are closed). */
    public Sd3DiffusionModel(Sd3Checkpoint checkpoint) {
        this(TransformerBase.own(checkpoint, "SD3", Sd3Transformer2DModel::new), List.of());
    }

    /** A handle owning {@code lease} on an opened SD3 base (a {@link TransformerCheckpoints} lease). */
    Sd3DiffusionModel(Shared.Lease<TransformerBase<Sd3TransformerConfig, Sd3Transformer2DModel>> lease,
            List<ModelPatch> patches) {
        super(lease, patches);
    }

    /** SD3's format; a smaller model of the topology keeps SD3's factors over its own channel count. */
    @Override
    public LatentFormat latentFormat() {
        int channels = transformerConfig().inChannels();
        LatentFormat sd3 = LatentFormat.SD3;
        return channels == sd3.channels() ? sd3
                : new LatentFormat(sd3.family(), channels, sd3.downscale(), sd3.scalingFactor(), sd3.shiftFactor());
    }

    /** SD3's fixed linear shift whatever the size: {@value #DEFAULT_SHIFT}, or the last ModelSamplingSD3's. */
    @Override
    public FlowShift flowShift(long height, long width) {
        FlowShift patched = patchedShift();
        return patched != null ? patched : FlowShift.linear(DEFAULT_SHIFT);
    }

    /** A handle with one more {@link WeightPatch} (a LoRA) or {@link FlowShiftPatch} (ModelSamplingSD3). */
    @Override
    public DiffusionModel withPatch(ModelPatch patch) {
        if (!(patch instanceof WeightPatch || patch instanceof FlowShiftPatch)) {
            throw new IllegalArgumentException("SD3 MODEL handles take weight (LoRA) and sampling-shift patches, not "
                    + patch.key());
        }
        List<ModelPatch> more = new ArrayList<>(patches);
        more.add(patch);
        return new Sd3DiffusionModel(lease.share(), more);
    }

    @Override
    public BoundDenoiser guided(Conditioning positive, Conditioning negative, double cfg, NDManager manager) {
        checkGuided(positive, negative, cfg);
        Held<Sd3Transformer2DModel> held = hold();
        Sd3Transformer2DModel transformer = held.model();
        return new BoundDenoiser() {
            @Override
            public NDArray predict(NDArray input, ModelStep step) {
                return TensorScope.keep(() -> {
                    NDArray cond = side(transformer, positive, input, step);
                    NDArray out = cfg == 1.0 ? cond : ClassifierFreeGuidance.combine(cond,
                            side(transformer, negative, input, step), cfg);
                    return out.toType(input.getDataType(), false);
                });
            }

            @Override
            public void close() {
                held.close();
            }
        };
    }

    /** The strength-weighted mean over the entries of one side. */
    private static NDArray side(Sd3Transformer2DModel transformer, Conditioning conditioning, NDArray latent,
            ModelStep step) {
        long batch = latent.getShape().get(0);
        NDManager manager = latent.getManager();
        NDArray timestep = manager.create(new float[] {(float) (step.sigma() * 1000.0)});
        return DitConditioning.weightedMean(conditioning, entry -> transformer.forward(new Sd3Input(latent,
                DitConditioning.perBatch(entry.embeddings(), batch), DitConditioning.perBatch(entry.pooled(), batch),
                timestep)));
    }

    @Override
    void check(String side, Conditioning conditioning, Sd3TransformerConfig config) {
        DitConditioning.check(side, conditioning, "SD3", config.jointAttentionDim(),
                "CLIP-L + CLIP-G states padded, then T5 states", config.pooledProjectionDim(),
                "CLIP-L + CLIP-G pooled", "");
    }
}
