package dev.tessera.models.dit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.ComputeTypes;
import dev.tessera.models.core.Weights;
import dev.tessera.models.core.layers.Linear;
import dev.tessera.models.core.layers.Ops;
import dev.tessera.models.core.layers.TimestepEmbedding;
import dev.tessera.models.dit.internal.AttentionInputs;
import dev.tessera.models.dit.internal.DoubleStreamBlock;
import dev.tessera.models.dit.internal.Rope;
import dev.tessera.models.dit.internal.SingleStreamBlock;
import dev.tessera.tensor.TensorScope;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * diffusers' FluxTransformer2DModel (FLUX.1 dev / schnell / Kontext): x_embedder, context_embedder, time +
 * guidance + pooled text embedding, double-stream blocks, single-stream blocks with rotary embeddings over the
 * position ids' axes and RMS q/k norms, norm_out and proj_out. Parameter names are diffusers'.
 *
 * <p>Each block may get its own boolean attention mask from {@link BlockMasks}; masked attention runs dense or
 * skipping masked keys as {@link AttentionMode} says (same values either way, see {@link MaskedAttention}).
 *
 * <p>Inputs must be on the weights' device; floating inputs are converted to the compute dtype, outputs are in
 * it. Each call frees its intermediates before returning; the result belongs to the manager of hidden_states.
 */
public final class FluxTransformer2DModel {

    private static final float EPS = 1e-6f;
    private static final int TIMESTEP_PROJECTION = 256;

    private final FluxTransformerConfig config;
    private final DataType dtype;
    private final Linear xEmbedder;
    private final Linear contextEmbedder;
    private final TimestepEmbedding timestepEmbedder;
    private final TimestepEmbedding guidanceEmbedder;
    private final Linear textEmbedder1;
    private final Linear textEmbedder2;
    private final List<DoubleStreamBlock> doubleBlocks = new ArrayList<>();
    private final List<SingleStreamBlock> singleBlocks = new ArrayList<>();
    private final Linear normOut;
    private final Linear projOut;

    /** Builds the model over {@code weights}, which must hold every parameter {@code config} implies. */
    public FluxTransformer2DModel(FluxTransformerConfig config, Weights weights, DataType dtype) {
        this.config = config;
        this.dtype = ComputeTypes.require(dtype, "FLUX transformer");
        int hidden = config.hiddenSize();
        this.xEmbedder = new Linear(weights, "x_embedder", config.inChannels(), hidden);
        this.contextEmbedder = new Linear(weights, "context_embedder", config.jointAttentionDim(), hidden);
        this.timestepEmbedder = timestepEmbedding(weights, "time_text_embed.timestep_embedder", hidden);
        this.guidanceEmbedder = config.guidanceEmbeds()
                ? timestepEmbedding(weights, "time_text_embed.guidance_embedder", hidden)
                : null;
        this.textEmbedder1 = new Linear(weights, "time_text_embed.text_embedder.linear_1",
                config.pooledProjectionDim(), hidden);
        this.textEmbedder2 = new Linear(weights, "time_text_embed.text_embedder.linear_2", hidden, hidden);
        for (int i = 0; i < config.numLayers(); i++) {
            doubleBlocks.add(new DoubleStreamBlock(weights, "transformer_blocks." + i, hidden,
                    config.numAttentionHeads(), config.attentionHeadDim(), config.mlpHiddenSize()));
        }
        for (int i = 0; i < config.numSingleLayers(); i++) {
            singleBlocks.add(new SingleStreamBlock(weights, "single_transformer_blocks." + i, hidden,
                    config.numAttentionHeads(), config.attentionHeadDim(), config.mlpHiddenSize()));
        }
        this.normOut = new Linear(weights, "norm_out.linear", hidden, 2L * hidden);
        this.projOut = new Linear(weights, "proj_out", hidden, config.outChannels());
    }

    public FluxTransformerConfig config() {
        return config;
    }

    public DataType dataType() {
        return dtype;
    }

    /** The forward without masks. */
    public NDArray forward(FluxInput input) {
        return forward(input, BlockMasks.none(), AttentionMode.AUTO);
    }

    /**
     * The forward: prediction [B, N, out_channels] for every image token given.
     *
     * @param masks the mask of each block (over [text, image tokens]), or {@link BlockMasks#none()}
     * @param mode how masked attention is computed
     */
    public NDArray forward(FluxInput input, BlockMasks masks, AttentionMode mode) {
        Shape xShape = input.hiddenStates().getShape();
        Shape cShape = input.encoderHiddenStates().getShape();
        check(xShape.dimension() == 3 && xShape.get(2) == config.inChannels(), "hidden_states",
                "expected [batch, tokens, " + config.inChannels() + "], got " + xShape);
        long batch = xShape.get(0);
        long imageTokens = xShape.get(1);
        check(cShape.dimension() == 3 && cShape.get(0) == batch && cShape.get(2) == config.jointAttentionDim(),
                "encoder_hidden_states", "expected [" + batch + ", tokens, " + config.jointAttentionDim() + "], got "
                        + cShape);
        long textTokens = cShape.get(1);
        Shape pShape = input.pooledProjections().getShape();
        check(pShape.equals(new Shape(batch, config.pooledProjectionDim())), "pooled_projections",
                "expected [" + batch + ", " + config.pooledProjectionDim() + "], got " + pShape);
        if (config.guidanceEmbeds()) {
            check(input.guidance() != null, "guidance", "this model embeds guidance; a guidance value is required");
        }
        int length = Math.toIntExact(textTokens + imageTokens);
        return TensorScope.keep(() -> {
            // Inside the scope: reading a tensor to the host may create a temporary.
            float[] txtIds = ids("txt_ids", input.txtIds(), textTokens);
            float[] imgIds = ids("img_ids", input.imgIds(), imageTokens);
            float[] allIds = new float[length * config.positionAxes()];
            System.arraycopy(txtIds, 0, allIds, 0, txtIds.length);
            System.arraycopy(imgIds, 0, allIds, txtIds.length, imgIds.length);
            NDManager manager = input.hiddenStates().getManager();
            Rope rope = Rope.of(allIds, length, config.axesDimsRope(), config.ropeTheta(), manager);
            Map<AttentionMask, NDArray> biases = new IdentityHashMap<>();
            List<AttentionInputs> doubleInputs = new ArrayList<>();
            List<AttentionInputs> singleInputs = new ArrayList<>();
            for (int i = 0; i < doubleBlocks.size(); i++) {
                doubleInputs.add(inputs(masks, BlockKind.DOUBLE, i, length, rope, mode, biases, manager));
            }
            for (int i = 0; i < singleBlocks.size(); i++) {
                singleInputs.add(inputs(masks, BlockKind.SINGLE, i, length, rope, mode, biases, manager));
            }

            NDArray temb = conditioning(input, batch);
            NDArray siluTemb = Ops.silu(temb);
            NDArray x = xEmbedder.forward(input.hiddenStates().toType(dtype, false));
            NDArray c = contextEmbedder.forward(input.encoderHiddenStates().toType(dtype, false));
            for (int i = 0; i < doubleBlocks.size(); i++) {
                NDList out = doubleBlocks.get(i).forward(x, c, siluTemb, doubleInputs.get(i));
                c = out.get(0);
                x = out.get(1);
            }
            NDArray h = c.concat(x, 1);
            for (int i = 0; i < singleBlocks.size(); i++) {
                h = singleBlocks.get(i).forward(h, siluTemb, singleInputs.get(i));
            }
            x = h.get(new NDIndex(":, " + textTokens + ":"));
            NDList mod = normOut.forward(siluTemb).split(2, 1);
            // AdaLayerNormContinuous: scale first, then shift (BFL's final layer stores shift first).
            NDArray normed = Ops.modulate(Ops.layerNorm(x, normOut.owner(), EPS), mod.get(1), mod.get(0));
            return projOut.forward(normed);
        });
    }

    /** timestep (x1000) + guidance (x1000) + pooled text embeddings: the vector every block is modulated by. */
    private NDArray conditioning(FluxInput input, long batch) {
        NDArray t = perSample("timestep", input.timestep(), batch).toType(dtype, false).mul(1000f);
        NDArray temb = timestepEmbedder.forward(t, dtype);
        if (guidanceEmbedder != null) {
            NDArray g = perSample("guidance", input.guidance(), batch).toType(dtype, false).mul(1000f);
            temb = temb.add(guidanceEmbedder.forward(g, dtype));
        }
        NDArray pooled = input.pooledProjections().toType(dtype, false);
        return temb.add(textEmbedder2.forward(Ops.silu(textEmbedder1.forward(pooled))));
    }

    private AttentionInputs inputs(BlockMasks masks, BlockKind kind, int index, int length, Rope rope,
            AttentionMode mode, Map<AttentionMask, NDArray> biases, NDManager manager) {
        AttentionMask mask = masks.mask(kind, index);
        if (mask == null) {
            return new AttentionInputs(rope, null, null, mode);
        }
        if (mask.length() != length) {
            throw new IllegalArgumentException("attention mask of " + kind.name().toLowerCase() + " block " + index
                    + " is " + mask.length() + " x " + mask.length() + ", but the sequence has " + length
                    + " tokens (text + image)");
        }
        NDArray bias = null;
        if (!MaskedAttention.skips(mask, mode) && !mask.plan().unmasked()) {
            bias = biases.computeIfAbsent(mask, m -> m.bias(manager, dtype));
        }
        return new AttentionInputs(rope, mask, bias, mode);
    }

    /**
     * diffusers' Timesteps(256, flip_sin_to_cos=True, shift 0) then TimestepEmbedding: FLUX's embedding of the
     * timestep and of the guidance scale (both x1000 first).
     */
    private static TimestepEmbedding timestepEmbedding(Weights weights, String prefix, long hidden) {
        return new TimestepEmbedding(weights, prefix, TIMESTEP_PROJECTION, hidden, true, 0);
    }

    private static NDArray perSample(String name, NDArray values, long batch) {
        long count = values.size();
        check(count == batch || count == 1, name, count + " values for a batch of " + batch
                + "; expected one per sample or a single one");
        NDArray flat = values.reshape(count);
        return count == batch ? flat : flat.broadcast(new Shape(batch));
    }

    /** Position ids [tokens, axes] or [1, tokens, axes] to host floats. */
    private float[] ids(String name, NDArray ids, long tokens) {
        Shape shape = ids.getShape();
        int axes = config.positionAxes();
        boolean plain = shape.dimension() == 2 && shape.get(0) == tokens && shape.get(1) == axes;
        boolean batched = shape.dimension() == 3 && shape.get(0) == 1 && shape.get(1) == tokens
                && shape.get(2) == axes;
        check(plain || batched, name, "expected [" + tokens + ", " + axes + "], got " + shape);
        if (ids.getDataType() == DataType.FLOAT32) {
            return ids.toFloatArray();
        }
        try (NDArray floats = ids.toType(DataType.FLOAT32, true)) {
            return floats.toFloatArray();
        }
    }

    private static void check(boolean condition, String input, String problem) {
        if (!condition) {
            throw new IllegalArgumentException("FLUX transformer input '" + input + "': " + problem);
        }
    }
}
