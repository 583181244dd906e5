package dev.tessera.sd.nodes.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.model.api.BoundDenoiser;
import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.ForwardHook;
import dev.tessera.model.api.HookContext;
import dev.tessera.model.api.RunCache;
import dev.tessera.model.api.runtime.PatchedModels;
import dev.tessera.models.sd.HookedUNet;
import dev.tessera.models.sd.UNet2DConditionModel;
import dev.tessera.sampling.ClassifierFreeGuidance;
import dev.tessera.sampling.ModelStep;
import dev.tessera.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;

/**
 * The SD1.x UNet bound to its conditioning: every conditioning entry (unconditional ones first) gets the latent's
 * batch, all in one network call per step; the prediction is {@code uncond + cfg * (cond - uncond)}, each side the
 * strength-weighted mean over its entries (ComfyUI's {@code calc_cond_batch} and {@code cfg_function}). Entries
 * with different token counts are tiled to their least common multiple, as ComfyUI does: attention over keys
 * repeated k times equals attention over the keys once. Forward hooks wrap the UNet's stages.
 */
final class GuidedUNet implements BoundDenoiser {

    /** One conditioning entry of the batch. */
    record Part(boolean unconditional, Conditioning.Entry entry) {}

    private final PatchedModels.Use<UNet2DConditionModel> use;
    private final List<ForwardHook> hooks;
    private final List<Part> parts;
    private final List<NDArray> contexts;
    /** Per part, SDXL's added conditioning [1 or batch, adm]; null for a UNet without it. */
    private final List<NDArray> added;
    private final NDManager manager;
    private final double cfg;
    private final boolean guided;
    private final boolean hasAreas;
    /** Whether an entry applies over part of the sampling only (ConditioningSetTimestepRange). */
    private final boolean hasRanges;
    /** The model's highest timestep (its lowest is 0): hooks that switch by noise level read the whole range. */
    private final double timestepMax;
    /** What the hooks derive once per sampling run (MIGLoRA's mask embedding); closed with this. */
    private final RunCache runCache;
    private NDArray batchContext;
    private NDArray batchAdded;
    private long contextBatch = -1;

    /**
     * @param contexts one {@code [1 or batch, tokens, dim]} per part, already tiled to a common token count, on
     *     {@code manager} (closed with this)
     */
    GuidedUNet(PatchedModels.Use<UNet2DConditionModel> use, List<ForwardHook> hooks, List<Part> parts,
            List<NDArray> contexts, NDManager manager, double cfg, double timestepMax) {
        this(use, hooks, parts, contexts, null, manager, cfg, timestepMax);
    }

    /** @param added per part, SDXL's added conditioning vector (on {@code manager}), or null without */
    GuidedUNet(PatchedModels.Use<UNet2DConditionModel> use, List<ForwardHook> hooks, List<Part> parts,
            List<NDArray> contexts, List<NDArray> added, NDManager manager, double cfg, double timestepMax) {
        this.use = use;
        this.hooks = List.copyOf(hooks);
        this.parts = List.copyOf(parts);
        this.contexts = List.copyOf(contexts);
        this.added = added == null ? null : List.copyOf(added);
        this.manager = manager;
        this.runCache = new RunCache(manager);
        this.cfg = cfg;
        this.timestepMax = timestepMax;
        this.guided = parts.stream().anyMatch(Part::unconditional);
        this.hasAreas = parts.stream().anyMatch(p -> ConditioningArea.declared(p.entry())
                || ConditioningMask.declared(p.entry()));
        this.hasRanges = parts.stream().anyMatch(p -> p.entry().extras().containsKey(Conditioning.START_PERCENT)
                || p.entry().extras().containsKey(Conditioning.END_PERCENT));
        if (hasAreas && !this.hooks.isEmpty()) {
            throw new IllegalArgumentException("positive: area or mask conditioning (ConditioningSetArea, ConditioningSetMask) cannot be combined"
                    + " with a model patch that hooks the UNet (MIGLoRA); use one or the other");
        }
        if (hasRanges && !this.hooks.isEmpty()) {
            throw new IllegalArgumentException("a conditioning timestep range (ConditioningSetTimestepRange) cannot be"
                    + " combined with a model patch that hooks the UNet (MIGLoRA); use one or the other");
        }
    }

    @Override
    public NDArray predict(NDArray input, ModelStep step) {
        if (hasAreas || hasRanges) {
            return TensorScope.keep(() -> predictByArea(input, step));
        }
        long batch = input.getShape().get(0);
        NDArray context = contextFor(batch);
        int entries = parts.size();
        return TensorScope.keep(() -> {
            NDArray x = entries == 1 ? input : input.tile(new long[] {entries, 1, 1, 1});
            NDArray t = input.getManager().full(new Shape(entries * batch), (float) step.timestep(), DataType.FLOAT32);
            NDArray out = forward(x, t, context, addedFor(batch), hookContext(step, (int) batch));
            return entries == 1 ? out : combine(out.split(entries, 0));
        });
    }

    /**
     * ComfyUI's {@code calc_cond_batch} with areas: each entry runs on its area of the latent (the whole latent when
     * it has none) and adds its prediction times its cell weights ({@link ConditioningArea#weights}; its strength
     * without an area) to its side; each side is that sum over the sum of weights, 0 where no entry reaches. Also
     * the path for timestep ranges: an entry outside its range is left out, as ComfyUI does.
     */
    private NDArray predictByArea(NDArray input, ModelStep step) {
        Shape shape = input.getShape();
        long batch = shape.get(0);
        long height = shape.get(2);
        long width = shape.get(3);
        NDManager m = input.getManager();
        NDArray[] sums = new NDArray[2];
        NDArray[] counts = new NDArray[2];
        for (int side = 0; side < 2; side++) {
            sums[side] = m.zeros(shape, DataType.FLOAT32);
            counts[side] = m.full(new Shape(1, 1, height, width), 1e-37f, DataType.FLOAT32);
        }
        NDArray timesteps = m.full(new Shape(batch), (float) step.timestep(), DataType.FLOAT32);
        for (int i = 0; i < parts.size(); i++) {
            Part part = parts.get(i);
            if (!activeAt(part.entry(), step.timestep())) {
                continue;
            }
            ConditioningArea declared = ConditioningArea.of(part.entry(), height, width);
            NDArray mask = ConditioningMask.resized(part.entry(), height, width, m);
            if (mask != null && ConditioningMask.toBounds(part.entry())) {
                declared = ConditioningMask.bounds(mask);
                if (declared == null) {
                    continue; // an empty mask weighs every cell 0: the entry adds nothing, wherever it runs
                }
            }
            ConditioningArea area = declared == null ? new ConditioningArea((int) height, (int) width, 0, 0)
                    : declared.clippedTo(height, width);
            if (area == null) {
                continue;
            }
            NDIndex where = new NDIndex(":, :, {}:{}, {}:{}", area.y(), area.y() + area.height(), area.x(),
                    area.x() + area.width());
            NDArray x = declared == null ? input : input.get(where);
            // The part's rows of the batched context, built once per latent batch size and checked there.
            NDArray context = contextFor(batch).get(new NDIndex("{}:{}", i * batch, (i + 1) * batch));
            NDArray partAdded = added == null ? null
                    : addedFor(batch).get(new NDIndex("{}:{}", i * batch, (i + 1) * batch));
            NDArray out = forward(x, timesteps, context, partAdded, hookContext(step, (int) batch))
                    .toType(DataType.FLOAT32, false);
            // With a mask, ComfyUI weighs cells by the mask on the area, unfaded: mask * mask_strength * strength.
            NDArray weight = mask == null ? m.create(area.weights(part.entry().strength(), height, width),
                    new Shape(1, 1, area.height(), area.width()))
                    : mask.get(where).mul((float) (ConditioningMask.strength(part.entry()) * part.entry().strength()));
            int side = part.unconditional() ? 1 : 0;
            NDArray placedSum = sums[side].get(where).add(out.mul(weight));
            sums[side].set(where, placedSum);
            NDArray placedCount = counts[side].get(where).add(weight);
            counts[side].set(where, placedCount);
        }
        NDArray cond = sums[0].div(counts[0]);
        if (!guided) {
            return cond.toType(input.getDataType(), false);
        }
        NDArray uncond = sums[1].div(counts[1]);
        return ClassifierFreeGuidance.combine(cond, uncond, cfg).toType(input.getDataType(), false);
    }

    /**
     * ComfyUI's timestep range test ({@code get_area_and_mult}): an entry is left out while the noise is above its
     * start ({@code sigma > percent_to_sigma(start_percent)}) or below its end. ComfyUI compares sigmas; sigma grows
     * with the timestep, so this compares timesteps, {@code percent_to_sigma(p)} being the sigma at timestep
     * {@code (1 - p) * 999}: a start of 0 never excludes, nor does an end of 1 (sigma 0).
     */
    private boolean activeAt(Conditioning.Entry entry, double timestep) {
        if (entry.extras().get(Conditioning.START_PERCENT) instanceof Number start && start.doubleValue() > 0
                && timestep > (1 - Math.min(1, start.doubleValue())) * timestepMax) {
            return false;
        }
        // An end of 0 or less is ComfyUI's sigma 999999999.9: every step is below it.
        return !(entry.extras().get(Conditioning.END_PERCENT) instanceof Number end && end.doubleValue() < 1
                && (end.doubleValue() <= 0 || timestep < (1 - end.doubleValue()) * timestepMax));
    }

    /** The UNet with the active hooks around its stages. */
    private NDArray forward(NDArray sample, NDArray timesteps, NDArray context, NDArray addedRows,
            HookContext where) {
        return HookedUNet.forward(use.model(), hooks, sample, timesteps, context, addedRows, where);
    }

    /** Every part's added conditioning repeated to the latent batch, in part order, or null without. */
    private synchronized NDArray addedFor(long batch) {
        if (added == null) {
            return null;
        }
        contextFor(batch);
        if (batchAdded == null) {
            NDList rows = new NDList();
            for (NDArray vector : added) {
                rows.add(vector.getShape().get(0) == batch ? vector : vector.tile(new long[] {batch, 1}));
            }
            NDArray built = rows.size() == 1 ? rows.get(0).duplicate() : NDArrays.concat(rows, 0);
            built.attach(manager);
            NDScope.unregister(built);
            batchAdded = built;
        }
        return batchAdded;
    }

    private NDArray combine(NDList chunks) {
        NDArray uncond = guided ? mean(chunks, true) : null;
        NDArray cond = mean(chunks, false);
        if (uncond == null) {
            return cond;
        }
        return ClassifierFreeGuidance.combine(cond, uncond, cfg);
    }

    /** The strength-weighted mean of one side's predictions (a single entry is taken as it is). */
    private NDArray mean(NDList chunks, boolean unconditional) {
        List<Integer> side = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            if (parts.get(i).unconditional() == unconditional) {
                side.add(i);
            }
        }
        if (side.size() == 1) {
            return chunks.get(side.get(0));
        }
        NDArray sum = null;
        double total = 0;
        for (int i : side) {
            double strength = parts.get(i).entry().strength();
            NDArray term = chunks.get(i).mul((float) strength);
            sum = sum == null ? term : sum.addi(term);
            total += strength;
        }
        if (total == 0) {
            throw new IllegalArgumentException((unconditional ? "negative" : "positive")
                    + " conditioning: the strengths of its entries sum to 0");
        }
        return sum.divi((float) total);
    }

    /**
     * The hooks' view of the step: the sampler's step with the model's whole timestep range added, since the
     * sampler knows only its own (possibly cut: denoise below 1, a KSamplerAdvanced start/end) list of steps.
     */
    private HookContext hookContext(ModelStep step, int batch) {
        List<HookContext.BatchPart> rows = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            rows.add(new HookContext.BatchPart(i * batch, batch, parts.get(i).unconditional(), parts.get(i).entry()));
        }
        return new HookContext(step.hasTimestepRange() ? step : step.withTimestepRange(0, timestepMax), rows,
                runCache);
    }

    /** Every part's context repeated to the latent batch, in part order: {@code [parts x batch, tokens, dim]}. */
    private synchronized NDArray contextFor(long batch) {
        if (batch != contextBatch) {
            List<NDArray> rows = new ArrayList<>();
            for (int i = 0; i < contexts.size(); i++) {
                NDArray context = contexts.get(i);
                long rowsHeld = context.getShape().get(0);
                if (rowsHeld != 1 && rowsHeld != batch) {
                    throw new IllegalArgumentException((parts.get(i).unconditional() ? "negative" : "positive")
                            + " conditioning has a batch of " + rowsHeld + " for a latent batch of " + batch
                            + " (expected 1 or " + batch + ")");
                }
                rows.add(rowsHeld == batch ? context : context.tile(new long[] {batch, 1, 1}));
            }
            NDArray built = rows.size() == 1 ? rows.get(0).duplicate() : NDArrays.concat(new NDList(rows), 0);
            built.attach(manager);
            // Kept across steps: no computation scope may free it.
            NDScope.unregister(built);
            for (int i = 0; i < rows.size(); i++) {
                if (rows.get(i) != contexts.get(i)) {
                    rows.get(i).close();
                }
            }
            if (batchContext != null) {
                batchContext.close();
            }
            if (batchAdded != null) {
                batchAdded.close();
                batchAdded = null;
            }
            batchContext = built;
            contextBatch = batch;
        }
        return batchContext;
    }

    @Override
    public void close() {
        runCache.close();
        manager.close();
        use.close();
    }
}
