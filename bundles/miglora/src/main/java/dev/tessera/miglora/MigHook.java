package dev.tessera.miglora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.layout.BoxMasks;
import dev.tessera.layout.Layout;
import dev.tessera.model.api.ForwardHook;
import dev.tessera.model.api.HookContext;
import dev.tessera.model.api.HookPoints;
import dev.tessera.sampling.ModelStep;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * MIGLoRA's divide / conquer / combine as a forward hook on an SD1.x UNet.
 *
 * <p>Divide: instance 0 is the global caption with the whole-image box, instances 1..N-1 the layout's. Conquer: at
 * {@link HookPoints#UNET_ENCODE} every row of the model's batch becomes N rows, row i carrying conv_in's output plus
 * instance i's mask embedding and instance i's text embedding, and the down blocks and middle block run once on that
 * whole batch (one batched pass, never N passes). Combine: the skips and the middle output are fused over the N
 * instances per row ({@link Fusion}) and handed back at the original batch size, so the decoder runs once, with the
 * batch's own context (the sampler's positive: the global caption when it comes from MIGEncode).
 *
 * <p>Classifier-free guidance: unconditional rows are divided the same way, with the row's own (negative) context for
 * every instance and the same masks, as the diffusers ControlNet pipelines the released pipeline derives from run the
 * control branch on both halves. beta(t): the hook acts while the timestep lies in the first beta share of the
 * model's noise range, from the high-noise end ({@link #isGuided}); below that the model runs as if it were absent
 * (the LoRA, a weight patch, stays).
 *
 * <p>Immutable; holds host arrays only. Tensors it creates belong to the model call's scope, except what depends
 * only on the run's inputs (the mask embedding, the fusion weights, the instances' text embeddings on the device),
 * which goes to the caller's {@link dev.tessera.model.api.RunCache} when the context has one: made at the first step
 * of a sampling run, reused by the others, freed when the run ends.
 */
public final class MigHook implements ForwardHook {

    private final MaskEncoder encoder;
    private final Layout layout;
    private final InstanceEmbeddings embeddings;
    private final Fusion fusion;
    private final double beta;

    /**
     * @param layout the global caption and the instances' boxes (the global one is added as instance 0)
     * @param embeddings {@code layout.size() + 1} text embeddings, the global caption's first
     * @param beta the share of the model's noise range, from the high-noise end, that is layout-guided; in [0, 1]
     * @throws MigLoraException naming what does not fit
     */
    public MigHook(MaskEncoder encoder, Layout layout, InstanceEmbeddings embeddings, Fusion fusion, double beta) {
        this.encoder = Objects.requireNonNull(encoder, "encoder");
        this.layout = Objects.requireNonNull(layout, "layout");
        this.embeddings = Objects.requireNonNull(embeddings, "embeddings");
        this.fusion = Objects.requireNonNull(fusion, "fusion");
        if (!(beta >= 0 && beta <= 1)) {
            throw new MigLoraException("beta is " + beta + "; expected a share of the noise range in [0, 1]");
        }
        this.beta = beta;
        if (embeddings.count() != layout.size() + 1) {
            throw new MigLoraException("the layout has " + layout.size() + " instances plus the global caption, the"
                    + " conditioning " + embeddings.count() + " embeddings; encode the same layout");
        }
    }

    public MaskEncoder encoder() {
        return encoder;
    }

    public Layout layout() {
        return layout;
    }

    public Fusion fusion() {
        return fusion;
    }

    public double beta() {
        return beta;
    }

    /** Instances per row of the model's batch: the layout's plus the global caption. */
    public int instances() {
        return embeddings.count();
    }

    @Override
    public String key() {
        return "miglora:" + encoder.key() + "|" + fusion.id() + "|" + beta + "|" + layout + "|"
                + Long.toHexString(embeddings.contentHash());
    }

    @Override
    public Set<String> points() {
        return encoder.injection() == MaskEncoder.Injection.CONCAT
                ? Set.of(HookPoints.UNET_CONV_IN, HookPoints.UNET_ENCODE)
                : Set.of(HookPoints.UNET_ENCODE);
    }

    /**
     * beta(t) over noise levels: guided while the step's timestep lies in the first beta share of the model's whole
     * timestep range, counted from the high-noise end ({@link #isGuided}). The range is the model's, not the run's,
     * so a cut schedule (denoise below 1, a KSamplerAdvanced start/end) guides the same noise levels as a full one.
     *
     * @throws MigLoraException when beta is strictly between 0 and 1 and the step carries no timestep range (a
     *     caller that runs the UNet itself must give it: {@link ModelStep#withTimestepRange})
     */
    @Override
    public boolean activeAt(ModelStep step) {
        if (beta == 0 || beta == 1) {
            return beta == 1;
        }
        if (!step.hasTimestepRange()) {
            throw new MigLoraException("beta " + beta + " needs the model's whole timestep range, and step "
                    + step.index() + " of " + step.total() + " (timestep " + step.timestep() + ") carries none; run"
                    + " through the MODEL handle, or give it with ModelStep.withTimestepRange");
        }
        return isGuided(step.timestep(), step.timestepMin(), step.timestepMax(), beta);
    }

    /**
     * The beta(t) rule on its own: the paper's Eq. 3 guides {@code t <= 0.7 T} in its own time direction, which the
     * paper's text ("in the initial stages, we determine the overall position") and the issue read as the first
     * 70 % of the denoising, the high-noise end. So timestep {@code t} of a model whose timesteps run from
     * {@code min} (least noise) to {@code max} is guided when {@code t >= max - beta (max - min)}. The boundary is
     * guided (the paper's inequality includes it), compared with a tolerance of 1e-9 of the range so that a decimal
     * beta's float rounding cannot move it: for SD1.x (0..999) beta 0.7 cuts at 299.7, guiding t = 300..999.
     * beta 0 guides nothing, beta 1 everything.
     */
    public static boolean isGuided(double timestep, double min, double max, double beta) {
        if (beta <= 0) {
            return false;
        }
        if (beta >= 1) {
            return true;
        }
        double span = max - min;
        return timestep >= max - beta * span - 1e-9 * span;
    }

    @Override
    public NDList around(String point, NDList inputs, Stage next, HookContext context) {
        return switch (point) {
            case HookPoints.UNET_CONV_IN -> new NDList(encoder.convInLatent(inputs.get(0)));
            case HookPoints.UNET_ENCODE -> encode(inputs, next, context);
            default -> next.run(inputs);
        };
    }

    private NDList encode(NDList inputs, Stage next, HookContext where) {
        NDArray h = inputs.get(0);
        NDArray temb = inputs.get(1);
        NDArray ctx = inputs.get(2);
        Shape hs = h.getShape();
        long rows = hs.get(0);
        int n = instances();
        int height = Math.toIntExact(hs.get(2));
        int width = Math.toIntExact(hs.get(3));
        NDManager m = h.getManager();
        DataType type = h.getDataType();
        int f = encoder.downscale();
        int pixelsW = width * f;
        int pixelsH = height * f;

        // Per call: derived tensors shared by the features of this call; per run when the caller keeps a cache.
        Map<Object, NDList> callLocal = new HashMap<>();
        // The embedding depends only on the layout and the size: encoded once per sampling run.
        NDArray injected = derived(where, callLocal, List.of(this, "embedding", pixelsW, pixelsH, type, h.getDevice()),
                () -> new NDList(encoder.inject(encoder.encode(encoderInput(m, pixelsW, pixelsH, type))))).get(0);
        if (injected.getShape().get(1) != hs.get(1)) {
            throw new MigLoraException("the mask encoder gives " + injected.getShape().get(1) + " channels, the UNet's"
                    + " conv_in " + hs.get(1) + ": this mask encoder was made for another UNet");
        }
        if (embeddings.width() != ctx.getShape().get(2)) {
            throw new MigLoraException("instance embeddings are " + embeddings.width() + " wide, the UNet attends to "
                    + ctx.getShape().get(2) + "-wide text (encoded with another model's CLIP?)");
        }
        // Row r, instance i sits at r * n + i.
        NDArray hx = h.expandDims(1).add(injected.expandDims(0)).reshape(rows * n, hs.get(1), height, width);
        NDArray tx = temb.expandDims(1).repeat(1, n).reshape(rows * n, temb.getShape().get(1));
        NDArray cx = contexts(ctx, rows, n, where, callLocal, m, type);

        NDList features = next.run(new NDList(hx, tx, cx));
        NDList fused = new NDList(features.size());
        for (NDArray feature : features) {
            Shape s = feature.getShape();
            long[] grouped = new long[s.dimension() + 1];
            grouped[0] = rows;
            grouped[1] = n;
            for (int d = 1; d < s.dimension(); d++) {
                grouped[d + 1] = s.get(d);
            }
            NDArray perRow = feature.reshape(new Shape(grouped));
            fused.add(switch (fusion) {
                case SUM -> perRow.sum(new int[] {1});
                case AVG -> perRow.mean(new int[] {1});
                case MASK -> masked(perRow, where, callLocal, pixelsW, pixelsH, m, type);
            });
        }
        return fused;
    }

    private NDArray encoderInput(NDManager m, int pixelsW, int pixelsH, DataType type) {
        if (encoder.maskChannels() == 3) {
            return BoxMasks.encoderInput(m, layout, pixelsW, pixelsH, true, type);
        }
        return BoxMasks.pixelMasks(m, layout, pixelsW, pixelsH, true, type).expandDims(1);
    }

    /** Conditional rows get the instances' embeddings, unconditional rows their own context N times. */
    private NDArray contexts(NDArray ctx, long rows, int n, HookContext where, Map<Object, NDList> callLocal,
            NDManager m, DataType type) {
        long ctxTokens = ctx.getShape().get(1);
        long common = lcm(ctxTokens, embeddings.tokens());
        NDArray typed = ctx.getDataType() == type ? ctx : ctx.toType(type, false);
        NDArray context = ctxTokens == common ? typed : typed.tile(new long[] {1, common / ctxTokens, 1});
        // The instances' text embeddings go to the device once per run.
        NDArray instances = derived(where, callLocal, List.of(this, "instances", common, type, ctx.getDevice()), () -> {
            NDArray created = embeddings.create(m, type);
            return new NDList(embeddings.tokens() == common ? created
                    : created.tile(new long[] {1, common / embeddings.tokens(), 1}));
        }).get(0);
        boolean[] unconditional = new boolean[(int) rows];
        if (!where.parts().isEmpty()) {
            if (where.batchSize() != rows) {
                throw new IllegalStateException("the hook context describes " + where.batchSize() + " rows, the"
                        + " UNet batch has " + rows);
            }
            for (HookContext.BatchPart part : where.parts()) {
                for (int r = part.offset(); r < part.offset() + part.rows(); r++) {
                    unconditional[r] = part.unconditional();
                }
            }
        }
        NDList blocks = new NDList();
        for (int r = 0; r < rows; r++) {
            blocks.add(unconditional[r]
                    ? context.get(r).expandDims(0).repeat(0, n)
                    : instances);
        }
        return blocks.size() == 1 ? blocks.get(0) : NDArrays.concat(blocks, 0);
    }

    /** Mask fusion of {@code perRow} {@code [rows, n, C, fh, fw]}. */
    private NDArray masked(NDArray perRow, HookContext where, Map<Object, NDList> callLocal, int pixelsW,
            int pixelsH, NDManager m, DataType type) {
        Shape s = perRow.getShape();
        int fh = Math.toIntExact(s.get(3));
        int fw = Math.toIntExact(s.get(4));
        int n = (int) s.get(1);
        // The weights depend only on the layout and the feature size: made once per run (per call without a run
        // cache), already in the shapes the fusion broadcasts with.
        NDList wc = derived(where, callLocal, List.of(this, "fusion", fh, fw, pixelsW, pixelsH, type,
                perRow.getDevice()), () -> {
                    // packed: [n + 1, fh, fw]: the n instance weights, then max(1, coverage).
                    NDArray packed = fusionWeights(fh, fw, pixelsW, pixelsH, m, type);
                    return new NDList(packed.get("0:" + n).reshape(1, n, 1, fh, fw),
                            packed.get(n + ":").reshape(1, 1, fh, fw));
                });
        return perRow.mul(wc.get(0)).sum(new int[] {1}).div(wc.get(1));
    }

    /**
     * Tensors that depend only on the run's inputs: kept in the caller's run cache for the whole sampling run when
     * it has one, else for this call only. {@code key} starts with this hook (compared by identity).
     */
    private static NDList derived(HookContext where, Map<Object, NDList> callLocal, List<Object> key,
            Supplier<NDList> make) {
        if (where.runCache() != null) {
            return where.runCache().get(key, make);
        }
        return callLocal.computeIfAbsent(key, k -> make.get());
    }

    private NDArray fusionWeights(int fh, int fw, int pixelsW, int pixelsH, NDManager m, DataType type) {
        NDArray global;
        NDArray boxes = null;
        NDArray denominator;
        if (layout.size() == 0) {
            global = m.ones(new Shape(1, fh, fw), type);
            denominator = m.ones(new Shape(1, fh, fw), type);
        } else {
            boxes = BoxMasks.masks(m, layout, pixelsW, pixelsH, fw, fh, false, type);
            NDArray coverage = boxes.sum(new int[] {0}, true);
            global = coverage.neg().add(1f).maximum(0f);
            denominator = coverage.maximum(1f);
        }
        List<NDArray> parts = new ArrayList<>();
        parts.add(global);
        if (boxes != null) {
            parts.add(boxes);
        }
        parts.add(denominator);
        return NDArrays.concat(new NDList(parts), 0);
    }

    private static long lcm(long a, long b) {
        return a / gcd(a, b) * b;
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    @Override
    public String toString() {
        return "MigHook[" + (layout.size() + 1) + " instances, " + fusion.id() + ", beta " + beta + ", " + encoder
                + "]";
    }
}
