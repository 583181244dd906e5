package dev.tessera.models.dit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.ComputeTypes;
import dev.tessera.models.core.Weights;
import dev.tessera.models.core.layers.Linear;
import dev.tessera.models.core.layers.Ops;
import dev.tessera.models.core.layers.TimestepEmbedding;
import dev.tessera.models.dit.internal.AttentionInputs;
import dev.tessera.models.dit.internal.JointBlock;
import dev.tessera.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;

/**
 * diffusers' SD3Transformer2DModel (Stable Diffusion 3 / 3.5's MMDiT): a 2x2 patch embedding plus a sin-cos
 * position table cropped around its centre, text tokens projected by context_embedder, timestep + pooled text
 * conditioning, joint blocks (the last one's text stream pre-only), norm_out, proj_out and unpatchify. Parameter
 * names are diffusers'; the original SD3 layout is converted at loading ({@code loading.Sd3Checkpoint}).
 *
 * <p>Inputs must be on the weights' device; floating inputs are converted to the compute dtype, the output
 * [B, out_channels, H, W] is in it. Each call frees its intermediates; the result belongs to hidden_states'
 * manager.
 */
public final class Sd3Transformer2DModel {

    private static final float EPS = 1e-6f;
    private static final int TIMESTEP_PROJECTION = 256;

    private final Sd3TransformerConfig config;
    private final DataType dtype;
    private final NDArray patchWeight;
    private final NDArray patchBias;
    private final NDArray posEmbed;
    private final Linear contextEmbedder;
    private final TimestepEmbedding timestepEmbedder;
    private final Linear textEmbedder1;
    private final Linear textEmbedder2;
    private final List<JointBlock> blocks = new ArrayList<>();
    private final Linear normOut;
    private final Linear projOut;

    /** Builds the model over {@code weights}, which must hold every parameter {@code config} implies. */
    public Sd3Transformer2DModel(Sd3TransformerConfig config, Weights weights, DataType dtype) {
        this.config = config;
        this.dtype = ComputeTypes.require(dtype, "SD3 transformer");
        int hidden = config.hiddenSize();
        int p = config.patchSize();
        this.patchWeight = weights.get("pos_embed.proj.weight", new Shape(hidden, config.inChannels(), p, p));
        this.patchBias = weights.get("pos_embed.proj.bias", new Shape(hidden));
        long table = (long) config.posEmbedMaxSize() * config.posEmbedMaxSize();
        this.posEmbed = weights.get("pos_embed.pos_embed", new Shape(1, table, hidden));
        this.contextEmbedder = new Linear(weights, "context_embedder", config.jointAttentionDim(),
                config.captionProjectionDim());
        this.timestepEmbedder = new TimestepEmbedding(weights, "time_text_embed.timestep_embedder",
                TIMESTEP_PROJECTION, hidden, true, 0);
        this.textEmbedder1 = new Linear(weights, "time_text_embed.text_embedder.linear_1",
                config.pooledProjectionDim(), hidden);
        this.textEmbedder2 = new Linear(weights, "time_text_embed.text_embedder.linear_2", hidden, hidden);
        for (int i = 0; i < config.numLayers(); i++) {
            blocks.add(new JointBlock(weights, "transformer_blocks." + i, hidden, config.numAttentionHeads(),
                    config.attentionHeadDim(), config.mlpHiddenSize(), i == config.numLayers() - 1,
                    config.qkNorm(), config.dualAttentionLayers().contains(i)));
        }
        this.normOut = new Linear(weights, "norm_out.linear", hidden, 2L * hidden);
        this.projOut = new Linear(weights, "proj_out", hidden, (long) p * p * config.outChannels());
    }

    public Sd3TransformerConfig config() {
        return config;
    }

    public DataType dataType() {
        return dtype;
    }

    /** The forward without masks. */
    public NDArray forward(Sd3Input input) {
        return forward(input, BlockMasks.none(), AttentionMode.AUTO);
    }

    /**
     * The forward: the prediction [B, out_channels, H, W] (a flow velocity for SD3's checkpoints).
     *
     * @param masks each joint block's mask over [text, image tokens] ({@link BlockKind#DOUBLE}, by block index),
     *     or {@link BlockMasks#none()}
     * @param mode how masked attention is computed
     */
    public NDArray forward(Sd3Input input, BlockMasks masks, AttentionMode mode) {
        Shape xShape = input.hiddenStates().getShape();
        int p = config.patchSize();
        check(xShape.dimension() == 4 && xShape.get(1) == config.inChannels(), "hidden_states",
                "expected [batch, " + config.inChannels() + ", height, width], got " + xShape);
        long batch = xShape.get(0);
        long height = xShape.get(2);
        long width = xShape.get(3);
        check(height % p == 0 && width % p == 0, "hidden_states", "height and width must be multiples of the"
                + " patch size " + p + ", got " + height + " x " + width);
        long rows = height / p;
        long cols = width / p;
        check(rows <= config.posEmbedMaxSize() && cols <= config.posEmbedMaxSize(), "hidden_states",
                "a latent of " + height + " x " + width + " is " + rows + " x " + cols + " tokens, more than the"
                        + " position table's " + config.posEmbedMaxSize() + " per side");
        Shape cShape = input.encoderHiddenStates().getShape();
        check(cShape.dimension() == 3 && cShape.get(0) == batch && cShape.get(2) == config.jointAttentionDim(),
                "encoder_hidden_states", "expected [" + batch + ", tokens, " + config.jointAttentionDim() + "], got "
                        + cShape);
        Shape pShape = input.pooledProjections().getShape();
        check(pShape.equals(new Shape(batch, config.pooledProjectionDim())), "pooled_projections",
                "expected [" + batch + ", " + config.pooledProjectionDim() + "], got " + pShape);
        long textTokens = cShape.get(1);
        int length = Math.toIntExact(textTokens + rows * cols);
        return TensorScope.keep(() -> {
            List<AttentionInputs> inputs = new ArrayList<>();
            for (int i = 0; i < blocks.size(); i++) {
                AttentionMask mask = masks.mask(BlockKind.DOUBLE, i);
                if (mask != null && mask.length() != length) {
                    throw new IllegalArgumentException("attention mask of joint block " + i + " is " + mask.length()
                            + " x " + mask.length() + ", but the sequence has " + length + " tokens (text + image)");
                }
                inputs.add(new AttentionInputs(null, mask, null, mode));
            }
            NDArray x = patchify(input.hiddenStates().toType(dtype, false), rows, cols);
            NDArray c = contextEmbedder.forward(input.encoderHiddenStates().toType(dtype, false));
            NDArray t = perSample(input.timestep(), batch);
            NDArray temb = timestepEmbedder.forward(t, dtype).add(textEmbedder2.forward(Ops.silu(
                    textEmbedder1.forward(input.pooledProjections().toType(dtype, false)))));
            NDArray siluTemb = Ops.silu(temb);
            for (int i = 0; i < blocks.size(); i++) {
                NDList out = blocks.get(i).forward(x, c, siluTemb, inputs.get(i));
                if (out.size() == 1) {
                    x = out.get(0);
                } else {
                    c = out.get(0);
                    x = out.get(1);
                }
            }
            NDList mod = normOut.forward(siluTemb).split(2, 1);
            // AdaLayerNormContinuous: scale first, then shift.
            NDArray normed = Ops.modulate(Ops.layerNorm(x, normOut.owner(), EPS), mod.get(1), mod.get(0));
            return unpatchify(projOut.forward(normed), batch, rows, cols);
        });
    }

    /** Patch convolution to tokens [B, rows*cols, C] plus the position table's centred crop (PatchEmbed). */
    private NDArray patchify(NDArray latent, long rows, long cols) {
        int p = config.patchSize();
        NDArray tokens = Ops.conv2d(latent, patchWeight, patchBias, p, 0);
        long hidden = config.hiddenSize();
        tokens = tokens.reshape(tokens.getShape().get(0), hidden, rows * cols).transpose(0, 2, 1);
        int max = config.posEmbedMaxSize();
        long top = (max - rows) / 2;
        long left = (max - cols) / 2;
        NDArray crop = posEmbed.reshape(1, max, max, hidden)
                .get(new NDIndex(":, {}:{}, {}:{}, :", top, top + rows, left, left + cols))
                .reshape(1, rows * cols, hidden);
        return tokens.add(crop);
    }

    /** Tokens [B, rows*cols, p*p*C] back to [B, C, rows*p, cols*p] (diffusers' "nhwpqc->nchpwq"). */
    private NDArray unpatchify(NDArray tokens, long batch, long rows, long cols) {
        int p = config.patchSize();
        int channels = config.outChannels();
        return tokens.reshape(batch, rows, cols, p, p, channels).transpose(0, 5, 1, 3, 2, 4)
                .reshape(batch, channels, rows * p, cols * p);
    }

    private static NDArray perSample(NDArray values, long batch) {
        long count = values.size();
        check(count == batch || count == 1, "timestep", count + " values for a batch of " + batch
                + "; expected one per sample or a single one");
        NDArray flat = values.reshape(count);
        return count == batch ? flat : flat.broadcast(new Shape(batch));
    }

    private static void check(boolean condition, String input, String problem) {
        if (!condition) {
            throw new IllegalArgumentException("SD3 transformer input '" + input + "': " + problem);
        }
    }
}
