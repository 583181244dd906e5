package dev.tessera.models.sd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.ComputeTypes;
import dev.tessera.models.core.Weights;
import dev.tessera.models.core.layers.Ops;
import dev.tessera.models.core.layers.TimestepEmbedding;
import dev.tessera.models.sd.internal.Conv2d;
import dev.tessera.models.sd.internal.CrossAttentionSpec;
import dev.tessera.models.sd.internal.DownBlock2D;
import dev.tessera.models.sd.internal.GroupNorm;
import dev.tessera.models.sd.internal.ResnetBlock2D;
import dev.tessera.models.sd.internal.UNetMidBlock2DCrossAttn;
import dev.tessera.models.sd.internal.UpBlock2D;
import dev.tessera.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;

/**
 * diffusers' UNet2DConditionModel for SD1.x-style configurations: noise prediction from a latent, per-sample
 * timesteps and text conditioning. Parameter names are diffusers'.
 *
 * <p>The forward pass is also offered in pieces, for callers that change what flows between them:
 * {@link #timeEmbedding}, {@link #convIn} (add to its output to inject features, as MIGLoRA's mask encoder does),
 * {@link #encode} (down blocks and middle block: skips and middle output) and {@link #decode} (up blocks and
 * output head from possibly combined features, with another conditioning).
 *
 * <p>Inputs must be on the weights' device; floating inputs are converted to the compute dtype, outputs are in
 * it. Each call frees its intermediates before returning; results belong to the manager of the first input.
 */
public final class UNet2DConditionModel {

    private final UNet2DConditionConfig config;
    private final DataType dtype;
    private final TimestepEmbedding timeEmbedding;
    private final TimestepEmbedding addEmbedding;
    private final Conv2d convIn;
    private final List<DownBlock2D> downBlocks = new ArrayList<>();
    private final UNetMidBlock2DCrossAttn midBlock;
    private final List<UpBlock2D> upBlocks = new ArrayList<>();
    private final GroupNorm convNormOut;
    private final Conv2d convOut;

    /** Builds the model over {@code weights}, which must hold every parameter {@code config} implies. */
    public UNet2DConditionModel(UNet2DConditionConfig config, Weights weights, DataType dtype) {
        this.config = config;
        this.dtype = ComputeTypes.require(dtype, "UNet");
        List<Integer> channels = config.blockOutChannels();
        int levels = config.levels();
        int groups = config.normNumGroups();
        float eps = config.normEps();
        long temb = config.timeEmbedDim();
        this.timeEmbedding = new TimestepEmbedding(weights, "time_embedding", channels.get(0), temb,
                config.flipSinToCos(), config.freqShift());
        // diffusers' add_embedding (LDM's label_emb): the same linear-SiLU-linear over the added conditioning vector.
        this.addEmbedding = config.addedConditioning()
                ? new TimestepEmbedding(weights, "add_embedding", config.additionInputDim(), temb, true, 0) : null;
        this.convIn = new Conv2d(weights, "conv_in", config.inChannels(), channels.get(0), 3, 1, 1);
        long out = channels.get(0);
        for (int i = 0; i < levels; i++) {
            long in = out;
            out = channels.get(i);
            boolean last = i == levels - 1;
            downBlocks.add(new DownBlock2D(weights, "down_blocks." + i, in, out, config.layersPerBlock(), temb,
                    groups, eps, attentionAt(i), last ? -1 : config.downsamplePadding()));
        }
        long deepest = channels.get(levels - 1);
        this.midBlock = config.midBlockCrossAttention()
                ? new UNetMidBlock2DCrossAttn(weights, "mid_block", deepest, temb, groups, eps,
                        config.midBlockScaleFactor(), crossAttention(levels - 1), 1)
                : null;
        long previous = deepest;
        for (int i = 0; i < levels; i++) {
            int level = levels - 1 - i;
            long levelOut = channels.get(level);
            long skipIn = channels.get(Math.max(level - 1, 0));
            upBlocks.add(new UpBlock2D(weights, "up_blocks." + i, skipIn, previous, levelOut,
                    config.layersPerBlock() + 1, temb, groups, eps, attentionAt(level), i < levels - 1));
            previous = levelOut;
        }
        this.convNormOut = new GroupNorm(weights, "conv_norm_out", groups, channels.get(0), eps);
        this.convOut = new Conv2d(weights, "conv_out", channels.get(0), config.outChannels(), 3, 1, 1);
    }

    private CrossAttentionSpec attentionAt(int level) {
        return config.crossAttention().get(level) ? crossAttention(level) : null;
    }

    /** The transformer settings of {@code level}; the middle block uses the deepest level's, attention or not. */
    private CrossAttentionSpec crossAttention(int level) {
        return new CrossAttentionSpec(config.numAttentionHeads().get(level), config.transformerLayers().get(level),
                config.crossAttentionDim(), config.useLinearProjection());
    }

    public UNet2DConditionConfig config() {
        return config;
    }

    public DataType dataType() {
        return dtype;
    }

    /**
     * The whole forward: {@code sample} [B, in, h, w], {@code timesteps} [B] or a single value for all,
     * {@code context} [B, tokens, cross_attention_dim] to the prediction [B, out, h, w].
     */
    public NDArray forward(NDArray sample, NDArray timesteps, NDArray context) {
        return forward(sample, timesteps, context, null);
    }

    /**
     * The forward with SDXL's added conditioning {@code added} [B, projection_class_embeddings_input_dim] (see
     * {@link #addedConditioning}; null for a UNet without it).
     */
    public NDArray forward(NDArray sample, NDArray timesteps, NDArray context, NDArray added) {
        checkSample(sample);
        return TensorScope.keep(() -> {
            NDArray temb = timeEmbedding(timesteps, sample.getShape().get(0), added);
            UNetFeatures features = encode(convIn(sample), temb, context);
            return decode(features, temb, context);
        });
    }

    /** The time embedding [batch, 4 x block_out_channels[0]] of {@code timesteps}, broadcast to {@code batch}. */
    public NDArray timeEmbedding(NDArray timesteps, long batch) {
        return timeEmbedding(timesteps, batch, null);
    }

    /**
     * The time embedding plus, for a UNet with added conditioning, the embedding of {@code added} [batch,
     * projection_class_embeddings_input_dim] (required then, and refused otherwise).
     */
    public NDArray timeEmbedding(NDArray timesteps, long batch, NDArray added) {
        if (config.addedConditioning()) {
            Shape shape = added == null ? null : added.getShape();
            if (shape == null || shape.dimension() != 2 || shape.get(0) != batch
                    || shape.get(1) != config.additionInputDim()) {
                throw new IllegalArgumentException("UNet added conditioning (pooled text and time ids): "
                        + (shape == null ? "none given" : "shape " + shape) + ", expected [" + batch + ", "
                        + config.additionInputDim() + "]");
            }
        } else if (added != null) {
            throw new IllegalArgumentException("UNet added conditioning: this UNet (without addition_embed_type)"
                    + " takes none, got shape " + added.getShape());
        }
        long count = timesteps.size();
        if (count != batch && count != 1) {
            throw new IllegalArgumentException("timesteps: " + count + " values for a batch of " + batch
                    + "; expected one per sample or a single one");
        }
        return TensorScope.keep(() -> {
            NDArray flat = timesteps.getShape().dimension() == 1 ? timesteps : timesteps.reshape(count);
            NDArray perSample = count == batch ? flat : flat.broadcast(new Shape(batch));
            NDArray temb = timeEmbedding.forward(perSample, dtype);
            return addEmbedding == null ? temb : temb.add(addEmbedding.forwardProjected(added.toType(dtype, false)));
        });
    }

    /**
     * SDXL's added conditioning vector [B, projection_class_embeddings_input_dim] from the pooled text embedding
     * {@code textEmbeds} [B, pooled] and the six time ids {@code timeIds} [B, 6] (original height, width, crop
     * top, left, target height, width): the pooled embedding followed by each id's sinusoidal projection of
     * addition_time_embed_dim, as diffusers' add_time_proj and ComfyUI's SDXL.encode_adm compute it.
     */
    public NDArray addedConditioning(NDArray textEmbeds, NDArray timeIds) {
        if (!config.addedConditioning()) {
            throw new IllegalArgumentException("this UNet takes no added conditioning (no addition_embed_type)");
        }
        Shape text = textEmbeds.getShape();
        Shape ids = timeIds.getShape();
        if (text.dimension() != 2 || text.get(1) != config.addedTextEmbedDim() || ids.dimension() != 2
                || ids.get(1) != 6 || ids.get(0) != text.get(0)) {
            throw new IllegalArgumentException("UNet added conditioning: text_embeds " + text + " and time_ids " + ids
                    + ", expected [batch, " + config.addedTextEmbedDim() + "] and [batch, 6]");
        }
        return TensorScope.keep(() -> {
            long batch = ids.get(0);
            NDArray projected = TimestepEmbedding.sinusoidal(timeIds.reshape(batch * 6),
                    config.additionTimeEmbedDim(), true, 0).reshape(batch, -1);
            return textEmbeds.toType(DataType.FLOAT32, false).concat(projected, 1).toType(dtype, false);
        });
    }

    /** conv_in: the latent [B, in, h, w] to the first level's features [B, block_out_channels[0], h, w]. */
    public NDArray convIn(NDArray sample) {
        checkSample(sample);
        return TensorScope.keep(() -> convIn.forward(sample.toType(dtype, false)));
    }

    /**
     * Down blocks and middle block from conv_in's output (plus whatever a caller added to it), with the time
     * embedding from {@link #timeEmbedding} and the text conditioning.
     */
    public UNetFeatures encode(NDArray convInOutput, NDArray temb, NDArray context) {
        checkContext(context, convInOutput.getShape().get(0));
        NDList kept = TensorScope.keepAll(() -> {
            NDArray ctx = context.toType(dtype, false);
            NDArray h = convInOutput.toType(dtype, false);
            NDArray tembActivated = ResnetBlock2D.activateTimeEmbedding(temb);
            List<NDArray> skips = new ArrayList<>();
            skips.add(h);
            for (DownBlock2D block : downBlocks) {
                h = block.forward(h, tembActivated, ctx, skips);
            }
            NDArray middle = midBlock == null ? h : midBlock.forward(h, tembActivated, ctx);
            NDList all = new NDList(skips);
            all.add(middle);
            return all;
        });
        return new UNetFeatures(kept.subList(0, kept.size() - 1), kept.get(kept.size() - 1));
    }

    /** Up blocks and the output head from {@code features}, with {@code temb} and {@code context} of its batch. */
    public NDArray decode(UNetFeatures features, NDArray temb, NDArray context) {
        int needed = upBlocks.stream().mapToInt(UpBlock2D::skipCount).sum();
        if (features.skips().size() != needed) {
            throw new IllegalArgumentException("UNet decode: " + features.skips().size() + " skip tensors, this"
                    + " configuration consumes " + needed);
        }
        checkContext(context, features.middle().getShape().get(0));
        return TensorScope.keep(() -> {
            NDArray ctx = context.toType(dtype, false);
            List<NDArray> skips = new ArrayList<>(features.skips());
            NDArray h = features.middle().toType(dtype, false);
            NDArray tembActivated = ResnetBlock2D.activateTimeEmbedding(temb);
            for (UpBlock2D block : upBlocks) {
                long height = 0;
                long width = 0;
                if (block.upsamples()) {
                    Shape next = skips.get(skips.size() - 1 - block.skipCount()).getShape();
                    height = next.get(2);
                    width = next.get(3);
                }
                h = block.forward(h, skips, tembActivated, ctx, height, width);
            }
            return convOut.forward(Ops.silu(convNormOut.forward(h)));
        });
    }

    private void checkSample(NDArray sample) {
        Shape shape = sample.getShape();
        if (shape.dimension() != 4 || shape.get(1) != config.inChannels()) {
            throw new IllegalArgumentException("UNet sample: shape " + shape + ", expected [batch, "
                    + config.inChannels() + ", height, width]");
        }
    }

    private void checkContext(NDArray context, long batch) {
        Shape shape = context.getShape();
        if (shape.dimension() != 3 || shape.get(0) != batch || shape.get(2) != config.crossAttentionDim()) {
            throw new IllegalArgumentException("UNet encoder_hidden_states: shape " + shape + ", expected [" + batch
                    + ", tokens, " + config.crossAttentionDim() + "]");
        }
    }
}
