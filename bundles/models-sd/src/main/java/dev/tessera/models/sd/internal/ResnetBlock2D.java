package dev.tessera.models.sd.internal;

import java.util.Arrays;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.core.Weights;
import dev.tessera.models.core.layers.Linear;
import dev.tessera.models.core.layers.Ops;
import dev.tessera.tensor.ScalarOps;
import dev.tessera.tensor.TensorScope;
import java.util.List;

/**
 * diffusers' ResnetBlock2D ("default" time-embedding norm): norm1, SiLU, conv1, + projected time embedding,
 * norm2, SiLU, conv2, plus the input (through a 1x1 conv_shortcut when the channel count changes), divided by the
 * output scale factor. Without time embedding channels (the VAE) there is no time_emb_proj.
 */
public final class ResnetBlock2D {

    private final GroupNorm norm1;
    private final Conv2d conv1;
    private final Linear timeEmbProj;
    /** time_emb_proj's weight viewed as a 1x1 conv [out, temb, 1, 1]: its output lands as [B, out, 1, 1]. */
    private final NDArray timeEmbConv;
    private final NDArray timeEmbBias;
    private final GroupNorm norm2;
    private final Conv2d conv2;
    private final Conv2d convShortcut;
    private final float outputScale;

    public ResnetBlock2D(Weights weights, String prefix, long in, long out, long tembChannels, int groups, float eps,
            float outputScale) {
        this.norm1 = new GroupNorm(weights, prefix + ".norm1", groups, in, eps);
        this.conv1 = new Conv2d(weights, prefix + ".conv1", in, out, 3, 1, 1);
        this.timeEmbProj = tembChannels > 0
                ? new Linear(weights, prefix + ".time_emb_proj", tembChannels, out, true) : null;
        NDArray tw = tembChannels > 0 ? weights.get(prefix + ".time_emb_proj.weight", new Shape(out, tembChannels))
                : null;
        this.timeEmbBias = tembChannels > 0 ? weights.get(prefix + ".time_emb_proj.bias", new Shape(out)) : null;
        this.timeEmbConv = Weights.preparable(tw, timeEmbBias)
                ? weights.derive(prefix + ".time_emb_proj.weight:conv", Arrays.asList(tw),
                        t -> t.get(0).reshape(out, tembChannels, 1, 1))
                : null;
        this.norm2 = new GroupNorm(weights, prefix + ".norm2", groups, out, eps);
        this.conv2 = new Conv2d(weights, prefix + ".conv2", out, out, 3, 1, 1);
        this.convShortcut = in != out ? new Conv2d(weights, prefix + ".conv_shortcut", in, out, 1, 1, 0) : null;
        this.outputScale = outputScale;
    }

    /**
     * What every resnet of a UNet call applies to the time embedding before its own projection: SiLU, shaped
     * [batch, tembChannels, 1, 1]. Made once per call by the UNet and handed to each resnet (3 launches, not 3 in
     * each of SD1.5's 22 resnets).
     */
    public static NDArray activateTimeEmbedding(NDArray temb) {
        return Ops.silu(temb.reshape(temb.getShape().get(0), -1, 1, 1));
    }

    /**
     * {@code x} [batch, in, h, w]; {@code tembActivated} the time embedding through {@link #activateTimeEmbedding}
     * ([batch, tembChannels, 1, 1]), or null when built without.
     */
    public NDArray forward(NDArray x, NDArray tembActivated) {
        return TensorScope.keep(() -> {
            NDArray h = conv1.forward(Ops.silu(norm1.forward(x)));
            if (timeEmbConv != null) {
                // One 1x1 conv with its bias gives [B, out, 1, 1]: 2 launches with the add, where SiLU, linear,
                // bias, reshape and add took 6.
                h = h.add(Ops.conv2d(tembActivated, timeEmbConv, timeEmbBias, 1, 0));
            } else if (timeEmbProj != null) {
                NDArray t = timeEmbProj.forward(tembActivated.reshape(tembActivated.getShape().get(0), -1));
                h = h.add(t.reshape(t.getShape().get(0), t.getShape().get(1), 1, 1));
            }
            h = conv2.forward(Ops.silu(norm2.forward(h)));
            NDArray shortcut = convShortcut == null ? x : convShortcut.forward(x);
            NDArray sum = shortcut.add(h);
            return outputScale == 1f ? sum : ScalarOps.divide(sum, outputScale);
        });
    }
}
