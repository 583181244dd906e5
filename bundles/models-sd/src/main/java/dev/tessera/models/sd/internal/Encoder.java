package dev.tessera.models.sd.internal;

import ai.djl.ndarray.NDArray;
import dev.tessera.models.core.Weights;
import dev.tessera.models.core.layers.Ops;
import dev.tessera.models.sd.AutoencoderKLConfig;
import dev.tessera.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;

/** diffusers' VAE Encoder: conv_in, DownEncoderBlock2Ds, UNetMidBlock2D, norm, SiLU, conv_out to 2 x latent. */
public final class Encoder {

    /** diffusers builds every VAE norm with this epsilon. */
    static final float EPS = 1e-6f;

    private final Conv2d convIn;
    private final List<DownBlock2D> downBlocks = new ArrayList<>();
    private final UNetMidBlock2D midBlock;
    private final GroupNorm convNormOut;
    private final Conv2d convOut;

    public Encoder(Weights weights, String prefix, AutoencoderKLConfig config) {
        List<Integer> channels = config.blockOutChannels();
        int groups = config.normNumGroups();
        this.convIn = new Conv2d(weights, prefix + ".conv_in", config.inChannels(), channels.get(0), 3, 1, 1);
        long out = channels.get(0);
        for (int i = 0; i < channels.size(); i++) {
            long in = out;
            out = channels.get(i);
            boolean last = i == channels.size() - 1;
            downBlocks.add(new DownBlock2D(weights, prefix + ".down_blocks." + i, in, out, config.layersPerBlock(), 0,
                    groups, EPS, null, last ? -1 : 0));
        }
        this.midBlock = new UNetMidBlock2D(weights, prefix + ".mid_block", out, groups, EPS,
                config.midBlockAddAttention());
        this.convNormOut = new GroupNorm(weights, prefix + ".conv_norm_out", groups, out, EPS);
        this.convOut = new Conv2d(weights, prefix + ".conv_out", out, 2L * config.latentChannels(), 3, 1, 1);
    }

    public NDArray forward(NDArray image) {
        return TensorScope.keep(() -> {
            NDArray h = convIn.forward(image);
            for (DownBlock2D block : downBlocks) {
                h = block.forward(h, null, null, null);
            }
            h = midBlock.forward(h);
            return convOut.forward(Ops.silu(convNormOut.forward(h)));
        });
    }
}
