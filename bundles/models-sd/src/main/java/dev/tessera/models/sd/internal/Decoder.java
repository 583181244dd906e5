package dev.tessera.models.sd.internal;

import ai.djl.ndarray.NDArray;
import dev.tessera.models.core.Weights;
import dev.tessera.models.core.layers.Ops;
import dev.tessera.models.sd.AutoencoderKLConfig;
import dev.tessera.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;

/**
 * diffusers' VAE Decoder: conv_in, UNetMidBlock2D, UpDecoderBlock2Ds (layers_per_block + 1 resnets, nearest x2
 * and conv on all but the last), norm, SiLU, conv_out.
 */
public final class Decoder {

    private final Conv2d convIn;
    private final UNetMidBlock2D midBlock;
    private final List<List<ResnetBlock2D>> upResnets = new ArrayList<>();
    private final List<Upsample2D> upsamplers = new ArrayList<>();
    private final GroupNorm convNormOut;
    private final Conv2d convOut;

    public Decoder(Weights weights, String prefix, AutoencoderKLConfig config) {
        List<Integer> channels = config.blockOutChannels();
        int levels = channels.size();
        int groups = config.normNumGroups();
        float eps = Encoder.EPS;
        long deepest = channels.get(levels - 1);
        this.convIn = new Conv2d(weights, prefix + ".conv_in", config.latentChannels(), deepest, 3, 1, 1);
        this.midBlock = new UNetMidBlock2D(weights, prefix + ".mid_block", deepest, groups, eps,
                config.midBlockAddAttention());
        long previous = deepest;
        for (int i = 0; i < levels; i++) {
            String block = prefix + ".up_blocks." + i;
            long out = channels.get(levels - 1 - i);
            List<ResnetBlock2D> resnets = new ArrayList<>();
            for (int j = 0; j <= config.layersPerBlock(); j++) {
                resnets.add(new ResnetBlock2D(weights, block + ".resnets." + j, j == 0 ? previous : out, out, 0, groups,
                        eps, 1f));
            }
            upResnets.add(resnets);
            upsamplers.add(i < levels - 1 ? new Upsample2D(weights, block + ".upsamplers.0", out) : null);
            previous = out;
        }
        this.convNormOut = new GroupNorm(weights, prefix + ".conv_norm_out", groups, channels.get(0), eps);
        this.convOut = new Conv2d(weights, prefix + ".conv_out", channels.get(0), config.outChannels(), 3, 1, 1);
    }

    public NDArray forward(NDArray latent) {
        return TensorScope.keep(() -> {
            NDArray h = midBlock.forward(convIn.forward(latent));
            for (int i = 0; i < upResnets.size(); i++) {
                for (ResnetBlock2D resnet : upResnets.get(i)) {
                    h = resnet.forward(h, null);
                }
                Upsample2D upsampler = upsamplers.get(i);
                if (upsampler != null) {
                    h = upsampler.forward(h, h.getShape().get(2) * 2, h.getShape().get(3) * 2);
                }
            }
            return convOut.forward(Ops.silu(convNormOut.forward(h)));
        });
    }
}
