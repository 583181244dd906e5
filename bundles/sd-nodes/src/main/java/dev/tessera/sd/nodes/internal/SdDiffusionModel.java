package dev.tessera.sd.nodes.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.model.api.BoundDenoiser;
import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.DiffusionModel;
import dev.tessera.model.api.ForwardHook;
import dev.tessera.model.api.LatentFormat;
import dev.tessera.model.api.ModelPatch;
import dev.tessera.model.api.WeightPatch;
import dev.tessera.model.api.runtime.PatchedModels;
import dev.tessera.models.core.sharing.Shared;
import dev.tessera.models.sd.UNet2DConditionModel;
import dev.tessera.sampling.NoiseSchedule;
import dev.tessera.sampling.Prediction;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** MODEL for an SD1.x checkpoint: a lease on the shared checkpoint and this handle's patches. */
final class SdDiffusionModel implements DiffusionModel {

    private final Shared.Lease<SdCheckpoint> lease;
    private final List<ModelPatch> patches;

    SdDiffusionModel(Shared.Lease<SdCheckpoint> lease, List<ModelPatch> patches) {
        this.lease = lease;
        this.patches = List.copyOf(patches);
    }

    @Override
    public LatentFormat latentFormat() {
        return lease.get().latentFormat();
    }

    @Override
    public Prediction prediction() {
        return Prediction.EPSILON;
    }

    /** SD1.x's training schedule: scaled_linear betas 0.00085 to 0.012 over 1000 steps. */
    @Override
    public NoiseSchedule noiseSchedule() {
        return NoiseSchedule.stableDiffusion();
    }

    @Override
    public List<ModelPatch> patches() {
        return patches;
    }

    @Override
    public DiffusionModel withPatch(ModelPatch patch) {
        Objects.requireNonNull(patch, "patch");
        if (!(patch instanceof WeightPatch) && !(patch instanceof ForwardHook)) {
            throw new IllegalArgumentException("an SD1.x MODEL takes weight patches and forward hooks, not "
                    + patch.getClass().getName());
        }
        List<ModelPatch> more = new ArrayList<>(patches);
        more.add(patch);
        return new SdDiffusionModel(lease.share(), more);
    }

    /** The UNet's configuration (the checkpoint's; patches do not change it). */
    UNet2DConditionModel baseUnet() {
        return lease.get().checkpoint().unet();
    }

    @Override
    public BoundDenoiser guided(Conditioning positive, Conditioning negative, double cfg, NDManager manager) {
        if (!Double.isFinite(cfg)) {
            throw new IllegalArgumentException("cfg must be a finite number, got " + cfg);
        }
        Objects.requireNonNull(positive, "positive");
        SdCheckpoint checkpoint = lease.get();
        UNet2DConditionModel base = checkpoint.checkpoint().unet();
        int width = base.config().crossAttentionDim();
        // ComfyUI skips the unconditional half at cfg 1: the prediction is then the conditional one.
        boolean withNegative = Math.abs(cfg - 1.0) > 1e-9;
        if (withNegative) {
            Objects.requireNonNull(negative, "negative");
        }
        List<GuidedUNet.Part> parts = new ArrayList<>();
        if (withNegative) {
            check("negative", negative, width, checkpoint.name());
            negative.entries().forEach(e -> parts.add(new GuidedUNet.Part(true, e)));
        }
        check("positive", positive, width, checkpoint.name());
        positive.entries().forEach(e -> parts.add(new GuidedUNet.Part(false, e)));

        List<WeightPatch> weights = patches.stream().filter(WeightPatch.class::isInstance)
                .map(WeightPatch.class::cast).toList();
        List<ForwardHook> hooks = patches.stream().filter(ForwardHook.class::isInstance)
                .map(ForwardHook.class::cast).toList();
        NDManager own = manager.newSubManager();
        PatchedModels.Use<UNet2DConditionModel> use = null;
        try {
            List<NDArray> contexts = contexts(parts, own, base.dataType());
            List<NDArray> added = base.config().addedConditioning() ? added(parts, base, own) : null;
            use = checkpoint.unets().acquire(weights);
            return new GuidedUNet(use, hooks, parts, contexts, added, own, cfg,
                    noiseSchedule().numTrainTimesteps() - 1);
        } catch (RuntimeException e) {
            if (use != null) {
                use.close();
            }
            own.close();
            throw e;
        }
    }

    private static void check(String input, Conditioning conditioning, int width, String checkpoint) {
        for (Conditioning.Entry entry : conditioning.entries()) {
            long found = entry.embeddings().getShape().get(2);
            if (found != width) {
                throw new IllegalArgumentException(input + " conditioning is " + found + " wide, the UNet of "
                        + checkpoint + " attends to " + width + "-wide text embeddings (was it encoded with another"
                        + " model's CLIP?)");
            }
        }
    }

    /**
     * SDXL's added conditioning of each part, as ComfyUI's SDXL.encode_adm: the pooled output (zeros when the entry
     * has none) and the time ids height, width, crop_h, crop_w, target_height, target_width from the entry's
     * extras (CLIPTextEncodeSDXL's; 768, 768, 0, 0 and the size when absent, as ComfyUI's defaults).
     */
    private static List<NDArray> added(List<GuidedUNet.Part> parts, UNet2DConditionModel unet, NDManager manager) {
        int pooledWidth = unet.config().addedTextEmbedDim();
        List<NDArray> vectors = new ArrayList<>();
        for (GuidedUNet.Part part : parts) {
            Conditioning.Entry entry = part.entry();
            String input = part.unconditional() ? "negative" : "positive";
            NDArray pooled = entry.pooled();
            long rows = pooled == null ? 1 : pooled.getShape().get(0);
            if (pooled != null && (pooled.getShape().dimension() != 2 || pooled.getShape().get(1) != pooledWidth)) {
                throw new IllegalArgumentException(input + " conditioning: pooled output of shape " + pooled.getShape()
                        + ", the SDXL UNet takes a [1, " + pooledWidth + "] pooled text embedding (was it encoded"
                        + " with another model's CLIP?)");
            }
            double width = size(entry, "width", 768);
            double height = size(entry, "height", 768);
            float[] ids = {(float) height, (float) width, (float) size(entry, "crop_h", 0),
                (float) size(entry, "crop_w", 0), (float) size(entry, "target_height", height),
                (float) size(entry, "target_width", width)};
            float[] tiled = new float[(int) rows * 6];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(ids, 0, tiled, r * 6, 6);
            }
            try (NDManager scratch = manager.newSubManager()) {
                NDArray text = pooled == null ? scratch.zeros(new Shape(1, pooledWidth), DataType.FLOAT32)
                        : pooled.toDevice(manager.getDevice(), true);
                text.attach(scratch);
                NDArray timeIds = scratch.create(tiled, new Shape(rows, 6));
                vectors.add(owned(unet.addedConditioning(text, timeIds), manager));
            }
        }
        return vectors;
    }

    private static double size(Conditioning.Entry entry, String key, double fallback) {
        return entry.extras().get(key) instanceof Number n ? n.doubleValue() : fallback;
    }

    /** Each part's embeddings on the device in the compute dtype, tiled along tokens to their common multiple. */
    private static List<NDArray> contexts(List<GuidedUNet.Part> parts, NDManager manager, DataType dtype) {
        long common = 1;
        for (GuidedUNet.Part part : parts) {
            common = lcm(common, part.entry().embeddings().getShape().get(1));
        }
        List<NDArray> contexts = new ArrayList<>();
        for (GuidedUNet.Part part : parts) {
            NDArray embeddings = part.entry().embeddings();
            long tokens = embeddings.getShape().get(1);
            NDArray context = owned(embeddings.toDevice(manager.getDevice(), true), manager);
            context = replace(context, context.toType(dtype, false), manager);
            if (tokens != common) {
                context = replace(context, context.tile(new long[] {1, common / tokens, 1}), manager);
            }
            contexts.add(context);
        }
        return contexts;
    }

    /** {@code array} moved to {@code manager}, out of any computation scope (it lives as long as the run). */
    private static NDArray owned(NDArray array, NDManager manager) {
        array.attach(manager);
        NDScope.unregister(array);
        return array;
    }

    private static NDArray replace(NDArray old, NDArray result, NDManager manager) {
        if (result == old) {
            return old;
        }
        old.close();
        return owned(result, manager);
    }

    private static long lcm(long a, long b) {
        return a / gcd(a, b) * b;
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
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
        return "MODEL[" + (lease.isClosed() ? "closed" : lease.get().name())
                + (patches.isEmpty() ? "" : ", " + patches.size() + " patches") + "]";
    }
}
